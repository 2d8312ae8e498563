// Every workspace's catalogue under its own top-level key; each area file holds both languages.
// The app takes only the `Catalogue` type from here (`import type`: it costs nothing in the bundle);
// at run time the sign-in page has `common` and each workspace's routes register their own areas
// (app/routes.ts). The merged values are for the catalogue tests (tests/dashboards/format.spec.ts).
import { adminEn, adminZh } from '../../admin/admin.messages';
import { customerEn, customerZh } from '../../customer/customer.messages';
import { careEn, careZh } from '../../customer/care.messages';
import { aftercareEn, aftercareZh } from '../../customer/aftercare.messages';
import { aftercareDeskEn, aftercareDeskZh } from '../../engineer/aftercare-desk.messages';
import { careDeskEn, careDeskZh } from '../../engineer/care-desk.messages';
import { deskEn, deskZh } from '../../engineer/desk.messages';
import { engineerEn, engineerZh } from '../../engineer/engineer.messages';
import { firmwareEn, firmwareZh } from '../../engineer/firmware.messages';
import { shipmentsEn, shipmentsZh } from '../../engineer/parts-shipments.messages';
import { managerEn, managerZh } from '../../manager/manager.messages';
import { technicianEn, technicianZh } from '../../technician/technician.messages';
import type { Messages } from '../catalogue';
import { commonEn, commonZh } from './common';

export const catalogueEn = {
  ...commonEn,
  engineer: engineerEn,
  desk: deskEn,
  technician: technicianEn,
  customer: customerEn,
  care: careEn,
  admin: adminEn,
  careDesk: careDeskEn,
  aftercare: aftercareEn,
  aftercareDesk: aftercareDeskEn,
  manager: managerEn,
  shipments: shipmentsEn,
  firmware: firmwareEn,
};

export type Catalogue = typeof catalogueEn;

export const catalogueZh: Messages<Catalogue> = {
  ...commonZh,
  engineer: engineerZh,
  desk: deskZh,
  technician: technicianZh,
  customer: customerZh,
  care: careZh,
  admin: adminZh,
  careDesk: careDeskZh,
  aftercare: aftercareZh,
  aftercareDesk: aftercareDeskZh,
  manager: managerZh,
  shipments: shipmentsZh,
  firmware: firmwareZh,
};
