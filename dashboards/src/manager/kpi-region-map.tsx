// The regions failing most, on a map: each region a circle at its centre (`center` of the region
// organisations, GET /api/organisations) sized and coloured by its failure rate, the five highest
// numbered 1–5 and labelled, the others muted. The country outlines are the dispatch map's
// (engineer/desk-map-data.ts, loaded on demand) and its geometry helpers; the ranked five are also a
// list beside the map, whose buttons open the same records as a click on the map.
import type { FeatureCollection } from 'geojson';
import { useMemo } from 'preact/hooks';
import type { KpiValue } from '../../../contracts/src';
import { Chart, echarts, type ChartClick, type ChartOption } from '../components/chart';
import { useLoad } from '../components/hooks';
import { ErrorNote, Loading } from '../components/ui';
import { t, useI18n } from '../i18n/i18n';
import { boundsAround, featuresWithin, grow } from '../engineer/desk-map-geometry';
import { useBoard } from './kpi-board-context';
import { downloadCardCsv, DrillButton, EmptyNote, KpiCard } from './kpi-charts';
import { formatKpi, kpiLabel, regionLabel, useOrganisations } from './kpi-data';

/** Darkest for the worst: ranks 1–5. */
const RANK_COLOURS = ['#7f1d1d', '#991b1b', '#b91c1c', '#c2410c', '#b45309'];
const OTHER_COLOUR = '#94a3b8';
const TOP = 5;

let countries: Promise<FeatureCollection> | null = null;
/** The outlines come in their own chunk (the dispatch map's), fetched the first time a map opens. */
function loadCountries(): Promise<FeatureCollection> {
  countries ??= import('../engineer/desk-map-data').then(
    (module) => module.countryOutlines(),
    (error: unknown) => {
      countries = null;
      throw error;
    },
  );
  return countries;
}

interface Ranked {
  key: string;
  label: string;
  value: number;
  samples: number;
  rank: number | null;
  center: { lat: number; lon: number } | null;
}

let registered = 0;

export function RegionMapCard({
  title,
  testId,
  kpi,
}: {
  title: string;
  testId: string;
  kpi: KpiValue | undefined;
}) {
  const locale = useI18n();
  const board = useBoard();
  const orgs = useOrganisations();
  const outlines = useLoad(loadCountries, []);
  const narrow = useMemo(() => window.matchMedia('(max-width: 640px)').matches, []);

  const centres = useMemo(() => {
    const map = new Map<string, { lat: number; lon: number }>();
    for (const org of orgs.data ?? [])
      if (org.kind === 'region' && org.region && org.center) map.set(org.region, org.center);
    return map;
  }, [orgs.data]);

  // every region with a rate, the worst first; the five worst ranked
  const regions = useMemo((): Ranked[] => {
    const groups = (kpi?.groups ?? []).filter(
      (group): group is typeof group & { value: number } => group.value !== null,
    );
    return [...groups]
      .sort((a, b) => b.value - a.value || a.key.localeCompare(b.key))
      .map((group, i) => ({
        key: group.key,
        label: regionLabel(group.key === 'unknown' ? null : group.key),
        value: group.value,
        samples: group.samples,
        rank: i < TOP ? i + 1 : null,
        center: centres.get(group.key) ?? null,
      }));
  }, [kpi, centres, locale]);
  const top = regions.filter((region) => region.rank !== null);
  const onMap = regions.filter((region) => region.center !== null);
  const unit = kpi?.unit ?? 'ratio';

  const mapName = useMemo(() => {
    if (!outlines.data || onMap.length === 0) return null;
    const bounds = grow(boundsAround(onMap.map((region) => region.center!)), 0.15);
    const name = `kpi-regions-${++registered}`;
    echarts.registerMap(name, {
      type: 'FeatureCollection',
      features: featuresWithin(outlines.data, grow(bounds, 0.5)),
    } as Parameters<typeof echarts.registerMap>[1]);
    return { name, bounds };
    // the map changes only with the regions placed on it
  }, [outlines.data, onMap.map((region) => region.key).join(',')]);

  const drill = (region: Ranked): void => {
    if (!kpi) return;
    board.openDrill({
      name: kpi.name,
      unit: kpi.unit,
      groupBy: 'region',
      group: region.key,
      groupText: region.label,
    });
  };

  const summary = top
    .map((region) => `${region.rank}. ${region.label} ${formatKpi(region.value, unit)}`)
    .join(', ');

  const option = useMemo((): ChartOption | null => {
    if (!mapName || !kpi) return null;
    const max = Math.max(...onMap.map((region) => region.value), 0);
    const size = (value: number): number => 14 + 30 * (max > 0 ? Math.sqrt(value / max) : 0);
    const point = (region: Ranked) => ({
      name: region.key,
      value: [region.center!.lon, region.center!.lat, region.value],
      symbolSize: size(region.value),
      itemStyle: {
        color: region.rank ? RANK_COLOURS[region.rank - 1] : OTHER_COLOUR,
        opacity: region.rank ? 0.9 : 0.6,
      },
    });
    const byKey = new Map(regions.map((region) => [region.key, region]));
    return {
      aria: { enabled: true, label: { description: t('manager.regionMap.label', { title, summary }) } },
      backgroundColor: '#e0f2fe',
      tooltip: {
        trigger: 'item',
        confine: true,
        textStyle: { color: '#111827' },
        formatter: (params: { name?: string }) => {
          const region = params.name ? byKey.get(params.name) : undefined;
          if (!region) return '';
          return [
            region.rank
              ? t('manager.regionMap.ranked', { rank: region.rank, region: region.label })
              : region.label,
            `${kpiLabel(kpi.name)}: ${formatKpi(region.value, unit)}`,
            t('manager.tile.samples', { count: region.samples }),
          ]
            .map((line) => line.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`))
            .join('<br/>');
        },
      },
      geo: {
        map: mapName.name,
        boundingCoords: [
          [mapName.bounds.west, mapName.bounds.north],
          [mapName.bounds.east, mapName.bounds.south],
        ],
        top: 8,
        bottom: 8,
        left: 8,
        right: 8,
        roam: false,
        silent: true,
        label: { show: false },
        itemStyle: { areaColor: '#f8fafc', borderColor: '#94a3b8', borderWidth: 0.8 },
      },
      series: [
        {
          type: 'scatter',
          name: t('manager.regionMap.others'),
          coordinateSystem: 'geo',
          symbol: 'circle',
          z: 3,
          data: onMap.filter((region) => region.rank === null).map(point),
          label: {
            show: true,
            position: 'right',
            formatter: (params: { name: string }) => byKey.get(params.name)?.label ?? '',
            color: '#374151',
            fontSize: 12,
          },
        },
        {
          type: 'scatter',
          name: t('manager.regionMap.top'),
          coordinateSystem: 'geo',
          symbol: 'circle',
          z: 4,
          itemStyle: { borderColor: '#ffffff', borderWidth: 2 },
          data: onMap.filter((region) => region.rank !== null).map(point),
          label: {
            show: true,
            position: narrow ? 'bottom' : 'right',
            distance: 6,
            formatter: (params: { name: string }) => {
              const region = byKey.get(params.name);
              return region
                ? `{rank|${region.rank}} {name|${region.label}} {value|${formatKpi(region.value, unit)}}`
                : '';
            },
            backgroundColor: 'rgba(255,255,255,0.92)',
            borderColor: '#cbd5e1',
            borderWidth: 1,
            borderRadius: 4,
            padding: [3, 6],
            rich: {
              rank: {
                backgroundColor: '#111827',
                color: '#ffffff',
                borderRadius: 9,
                width: 18,
                height: 18,
                align: 'center',
                fontWeight: 700,
                fontSize: 12,
              },
              name: { color: '#111827', fontWeight: 600, fontSize: 13 },
              value: { color: '#7f1d1d', fontWeight: 700, fontSize: 13 },
            },
          },
          labelLayout: { moveOverlap: 'shiftY' },
        },
      ],
    };
  }, [mapName, regions, kpi, locale, narrow]);

  const onClick = (event: ChartClick): void => {
    const region = regions.find((item) => item.key === event.name);
    if (region) drill(region);
  };

  const exportCsv = (): void => {
    downloadCardCsv(
      board,
      testId,
      [
        t('manager.regionMap.rank'),
        t('manager.groupBy.region'),
        t('manager.csv.key'),
        kpi ? kpiLabel(kpi.name) : '',
      ],
      regions.map((region) => [region.rank, region.label, region.key, region.value]),
    );
  };

  return (
    <KpiCard title={title} testId={testId} period onExport={exportCsv} exportDisabled={regions.length === 0}>
      {regions.length === 0 ? (
        <EmptyNote testId={testId} />
      ) : (
        <div class="kpi-region-map">
          <div class="kpi-region-map__map">
            {outlines.error || orgs.error ? (
              <ErrorNote
                error={outlines.error ?? orgs.error}
                onRetry={outlines.error ? outlines.reload : orgs.reload}
              />
            ) : option ? (
              <Chart
                option={option}
                label={t('manager.regionMap.label', { title, summary })}
                height={narrow ? 340 : 400}
                testId={`${testId}-map`}
                data={{ points: onMap.length, top: top.length }}
                onClick={onClick}
              />
            ) : orgs.data && onMap.length === 0 ? (
              <p class="muted">{t('manager.regionMap.noPlaces')}</p>
            ) : (
              <Loading />
            )}
          </div>
          <div class="kpi-region-map__list">
            <h4 id={`${testId}-list-title`}>{t('manager.regionMap.listTitle', { count: top.length })}</h4>
            <ol class="kpi-rank" aria-labelledby={`${testId}-list-title`} data-testid={`${testId}-list`}>
              {top.map((region) => (
                <li
                  key={region.key}
                  data-testid="region-rank"
                  data-region={region.key}
                  data-value={region.value}
                  data-samples={region.samples}
                >
                  <span class="kpi-rank__n" aria-hidden="true">
                    {region.rank}
                  </span>
                  <span class="kpi-rank__name">{region.label}</span>
                  <DrillButton
                    kpi={kpi ? kpiLabel(kpi.name) : ''}
                    group={region.label}
                    testId="region-rank-drill"
                    onClick={() => drill(region)}
                  >
                    {formatKpi(region.value, unit)}
                  </DrillButton>
                </li>
              ))}
            </ol>
            <p class="muted small">{t('manager.regionMap.hint')}</p>
          </div>
        </div>
      )}
    </KpiCard>
  );
}
