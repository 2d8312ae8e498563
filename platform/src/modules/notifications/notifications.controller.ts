import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  notificationPreferencesSchema,
  notificationQuerySchema,
  pushSubscriptionSchema,
  type Notification,
  type NotificationEvent,
  type NotificationPreferences,
} from '../../../../contracts/src';
import { ApiZodBody } from '../../common/openapi/zod-api-body';
import { ZodValidationPipe } from '../../common/validation/zod-validation.pipe';
import { CurrentPrincipal } from '../auth/auth.guard';
import type { Principal } from '../auth/auth.service';
import { NotificationsService, type NotificationQuery } from './notifications.service';

const pushEndpointSchema = pushSubscriptionSchema.pick({ endpoint: true }).strict();

@ApiTags('notifications')
@ApiBearerAuth()
@Controller('api/notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @ApiOperation({
    summary:
      "Notifications, newest first (at most 200), with the caller's unread inbox count: customers and technicians see their own (a customer also the e-mails about their tickets and requests), engineers and admins all; filter by ticketId, requestId, channel, unread",
  })
  list(
    @CurrentPrincipal() principal: Principal,
    @Query(new ZodValidationPipe(notificationQuerySchema)) query: NotificationQuery,
  ): Promise<{ items: Notification[]; unread: number }> {
    return this.notifications.list(principal, query);
  }

  @Post('read-all')
  @HttpCode(200)
  @ApiOperation({ summary: "Mark every message of the caller's inbox read; answers {marked, unread}" })
  readAll(@CurrentPrincipal() principal: Principal): Promise<{ marked: number; unread: number }> {
    return this.notifications.markAllRead(principal);
  }

  @Post(':id/read')
  @HttpCode(200)
  @ApiOperation({ summary: "Mark one message of the caller's inbox read; answers {notification, unread}" })
  read(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<NotificationEvent> {
    return this.notifications.markRead(principal, id);
  }
}

@ApiTags('notifications')
@ApiBearerAuth()
@Controller('api/me/notification-preferences')
export class NotificationPreferencesController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @ApiOperation({ summary: "The caller's notification preferences (e-mail, push, quiet hours, time zone)" })
  get(@CurrentPrincipal() principal: Principal): Promise<NotificationPreferences> {
    return this.notifications.preferences(principal);
  }

  @Put()
  @ApiOperation({ summary: "Replace the caller's notification preferences; answers them" })
  @ApiZodBody(notificationPreferencesSchema)
  put(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodValidationPipe(notificationPreferencesSchema)) body: NotificationPreferences,
  ): Promise<NotificationPreferences> {
    return this.notifications.savePreferences(principal, body);
  }
}

@ApiTags('notifications')
@ApiBearerAuth()
@Controller('api/push')
export class PushController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get('public-key')
  @ApiOperation({ summary: 'The VAPID application server key browsers subscribe with: {publicKey}' })
  publicKey(): Promise<{ publicKey: string }> {
    return this.notifications.publicKey();
  }

  @Post('subscriptions')
  @ApiOperation({ summary: "Keep this browser's Web Push subscription for the caller; answers {endpoint}" })
  @ApiZodBody(pushSubscriptionSchema)
  subscribe(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodValidationPipe(pushSubscriptionSchema))
    body: { endpoint: string; keys: { p256dh: string; auth: string } },
  ): Promise<{ endpoint: string }> {
    return this.notifications.subscribe(principal, body);
  }

  @Delete('subscriptions')
  @HttpCode(204)
  @ApiOperation({ summary: "Forget one of the caller's push subscriptions: {endpoint}" })
  @ApiZodBody(pushEndpointSchema)
  async unsubscribe(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodValidationPipe(pushEndpointSchema)) body: { endpoint: string },
  ): Promise<void> {
    await this.notifications.unsubscribe(principal, body.endpoint);
  }
}
