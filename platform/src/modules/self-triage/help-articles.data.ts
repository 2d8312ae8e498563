import type { HelpArticle } from '../../../../contracts/src';

/**
 * The customer help articles, in English and Simplified Chinese, seeded into `help_articles` at
 * start (an article changed here replaces the stored one). Every customer-doable cause the
 * self-triage knows (`SELF_FIXES` and `door_left_open` in triage-rules.ts) has one, by id; the
 * `general` ones answer what customers search for most.
 */
export type HelpArticleSeed = Omit<HelpArticle, 'readings'>;

/** Articles of this type are offered for every appliance type. */
export const GENERAL_TYPE = 'general';

const step = (en: string, zh: string) => ({ en, 'zh-CN': zh });

export const HELP_ARTICLES: readonly HelpArticleSeed[] = [
  {
    id: 'ac-clean-air-filter',
    type: 'air_conditioner',
    cause: 'filter_clog',
    title: step('Clean the air filter of your air conditioner', '空调滤网清洗指南'),
    summary: step(
      'A dusty filter chokes the airflow: the unit cools weakly, runs longer and uses more power. Cleaning it takes ten minutes and no tools.',
      '滤网积灰会堵塞风道，导致制冷效果变差、运行时间变长、耗电增加。清洗滤网只需约10分钟，无需工具，您可自行完成。',
    ),
    steps: [
      step(
        'Switch the air conditioner off with the remote and unplug it (or switch off its breaker).',
        '用遥控器关机，并拔下电源插头（或断开专用空气开关），确保安全。',
      ),
      step(
        'Lift the front panel of the indoor unit until it stays open, then pull the filter down and out.',
        '双手掀起室内机面板至卡住位置，将滤网向下轻拉取出。',
      ),
      step(
        'Vacuum the dust off, then rinse the filter from the back with lukewarm water (below 40 °C); use a little neutral detergent if it is greasy.',
        '先用吸尘器吸去表面灰尘，再用40°C以下的温水从滤网背面冲洗；油污较重时可加少量中性洗涤剂。',
      ),
      step(
        'Let it dry completely in the shade; never dry it in the sun or with a hair dryer.',
        '放在阴凉通风处彻底晾干，切勿暴晒或用吹风机烘干，以免滤网变形。',
      ),
      step(
        'Slide the filter back in, close the panel, power on and check that the airflow is strong again.',
        '将滤网按原位装回，合上面板，通电开机，确认出风明显增强。',
      ),
      step(
        'Clean it every two weeks in the cooling season. If the airflow stays weak, book a visit.',
        '使用季节建议每两周清洗一次。如清洗后出风仍然偏弱，请在线预约上门服务。',
      ),
    ],
    metrics: ['filterDpPa'],
  },
  {
    id: 'dishwasher-clean-filter-drain',
    type: 'dishwasher',
    cause: 'drain_clog',
    title: step(
      'Dishwasher not draining: clean the filter and the drain',
      '洗碗机排水慢：清洗过滤网和排水口',
    ),
    summary: step(
      'Food scraps caught in the filter and the drain sump slow the drain: water stays at the bottom after a cycle.',
      '残渣堵塞过滤网和排水槽会导致排水变慢，程序结束后机内底部有积水。定期清洗即可恢复。',
    ),
    steps: [
      step('Switch the dishwasher off and unplug it.', '关闭洗碗机并拔下电源插头。'),
      step(
        'Pull out the lower basket. Turn the cylindrical filter in the floor anticlockwise and lift it out with the flat filter.',
        '拉出下层碗篮，将底部圆柱形过滤器逆时针旋转后取出，连同平板滤网一起取下。',
      ),
      step(
        'Rinse both under running water and brush off grease with a soft brush.',
        '在流水下冲洗过滤器和滤网，油污处用软毛刷刷洗干净。',
      ),
      step(
        'Scoop out standing water and remove scraps from the sump; check that the drain hose behind the unit is not kinked.',
        '舀出底部积水，清除排水槽内残渣；检查机器背后的排水管是否弯折或被压住。',
      ),
      step(
        'Put the filters back and turn the cylinder clockwise until it locks; run a short rinse programme.',
        '装回滤网，顺时针旋转过滤器至锁紧，运行一次快洗程序检查排水。',
      ),
      step(
        'If water still stays in the tub, book a visit: the drain pump may need a technician.',
        '如仍有积水，可能是排水泵故障，请预约上门服务，由专业工程师检修。',
      ),
    ],
    metrics: ['drainTimeS'],
  },
  {
    id: 'dishwasher-clean-spray-arms',
    type: 'dishwasher',
    cause: 'spray_arm_clog',
    title: step('Dishes not clean: clean the spray arms and filter', '洗不干净：清洗喷淋臂和过滤网'),
    summary: step(
      'Blocked spray-arm nozzles and a clogged filter lower the wash pressure, so dishes come out dirty.',
      '喷淋臂喷孔堵塞或过滤网堵塞会降低喷淋压力，导致餐具洗不干净。',
    ),
    steps: [
      step('Switch the dishwasher off and unplug it.', '关闭洗碗机并拔下电源插头。'),
      step(
        'Remove and rinse the filter as in "clean the filter and the drain".',
        '按"清洗过滤网和排水口"的方法取出并冲洗过滤网。',
      ),
      step('Unscrew or unclip the upper and lower spray arms.', '拧下或按下卡扣取下上、下喷淋臂。'),
      step(
        'Rinse them and clear each nozzle with a toothpick; shake out any water with debris.',
        '冲洗喷淋臂，用牙签疏通每个喷孔，甩出内部带残渣的积水。',
      ),
      step(
        'Refit them and check that they turn freely by hand; load dishes so nothing blocks the arms.',
        '装回后用手转动，确认转动顺畅；摆放餐具时注意不要挡住喷淋臂。',
      ),
      step('If dishes are still dirty, book a visit.', '如仍洗不干净，请预约上门服务。'),
    ],
    metrics: ['pumpPressureKpa'],
  },
  {
    id: 'washer-clean-drain-pump-filter',
    type: 'washer',
    cause: 'drain_pump_clog',
    title: step('Washer drains slowly: clean the drain pump filter', '洗衣机排水慢：清洗排水泵过滤器'),
    summary: step(
      'Coins, hair and lint collect in the drain pump filter and slow the drain; cleaning it usually fixes a slow drain or error E21.',
      '硬币、毛发、线屑等杂物积存在排水泵过滤器中会导致排水变慢，清洗后通常即可解决排水慢或E21报警。',
    ),
    steps: [
      step(
        'Switch the washer off, unplug it and wait until the water has cooled.',
        '关机并拔下电源插头；如刚洗过热水，请等待水温降低后再操作，防止烫伤。',
      ),
      step(
        'Open the small service flap at the bottom front; put a towel and a shallow tray under it.',
        '打开机器前下方的检修小门，在下面铺好毛巾并放置浅盘接水。',
      ),
      step(
        'Pull out the emergency drain hose and let the water run out, then close it.',
        '拉出应急排水管，放净机内残水后塞好管塞。',
      ),
      step(
        'Turn the filter anticlockwise slowly and take it out; remove lint, hair and coins and rinse it.',
        '逆时针缓慢旋出过滤器，清除线屑、毛发、硬币等异物并冲洗干净。',
      ),
      step(
        'Screw the filter back in tightly, close the flap and run a rinse and spin programme.',
        '将过滤器顺时针拧紧装回，关好检修门，运行一次"漂洗+脱水"程序检查排水。',
      ),
      step(
        'If it still drains slowly or shows E21 again, book a visit: the pump may be worn.',
        '如仍排水缓慢或再次出现E21，可能是排水泵损坏，请预约上门服务。',
      ),
    ],
    metrics: ['drainTimeS'],
  },
  {
    id: 'fridge-door-left-open',
    type: 'refrigerator',
    cause: 'door_left_open',
    title: step('Refrigerator door alarm (R40): the door was left open', '冰箱门未关报警（R40）'),
    summary: step(
      'The door stood open long enough to warm the cabinet. Once it is shut the compressor cools it back within an hour or two; nothing is broken.',
      '冰箱门未关严时间较长，导致箱内温度升高。关好门后压缩机会在1-2小时内恢复制冷，冰箱本身没有故障。',
    ),
    steps: [
      step(
        'Close the door firmly and check that nothing (a shelf item, a bottle) stops it from shutting.',
        '用力关好箱门，检查是否有食品、瓶子等物品顶住箱门导致关不严。',
      ),
      step(
        'Check the door seal: it should lie flat all round; wipe it clean with warm water.',
        '检查门封条是否平整贴合，可用温水擦拭门封条上的污渍。',
      ),
      step(
        'Do not open the door for an hour so the cabinet can cool back down.',
        '1小时内尽量不要开门，让箱内温度尽快恢复。',
      ),
      step(
        'Check food that stayed warm for long; throw away anything that smells or is soft.',
        '检查长时间升温的食品，如有异味或变软请勿食用。',
      ),
      step(
        'If the alarm comes back with the door shut, or the cabinet stays warm, book a visit: the door seal may be failing.',
        '如关门后仍反复报警或箱内温度持续偏高，可能是门封条老化失效，请预约上门服务。',
      ),
    ],
    metrics: ['cabinetTempC', 'compressorDutyPct'],
  },
  {
    id: 'water-heater-descale-tap-aerator',
    type: 'water_heater',
    cause: 'tap_aerator_scale',
    title: step('Weak hot water flow: descale the tap aerator', '热水出水小：清除水龙头起泡器水垢'),
    summary: step(
      'In hard-water areas scale blocks the aerator at the tap outlet, so hot water trickles even though the heater works.',
      '在水质较硬的地区，水垢容易堵塞水龙头出水口的起泡器，即使热水器工作正常，出水也会变小。',
    ),
    steps: [
      step(
        'Unscrew the aerator from the tap outlet by hand or with a cloth-wrapped wrench.',
        '用手或垫布的扳手逆时针拧下水龙头出水口的起泡器。',
      ),
      step(
        'Soak it in white vinegar (or a citric acid solution) for 30 minutes.',
        '将起泡器放入白醋或柠檬酸溶液中浸泡约30分钟。',
      ),
      step(
        'Brush off the loosened scale with an old toothbrush and rinse.',
        '用旧牙刷刷去松动的水垢，再用清水冲净。',
      ),
      step('Screw it back on and run the hot water.', '将起泡器装回，打开热水检查出水。'),
      step(
        'If all hot taps are weak or the water never gets hot, book a visit: the heater may need descaling.',
        '如所有热水龙头出水都小或水始终不热，可能是热水器内部结垢，请预约上门服务。',
      ),
    ],
    metrics: ['flowLpm'],
  },
  {
    id: 'washer-level-noisy',
    type: 'washer',
    cause: 'unlevel_washer',
    title: step(
      'Noisy or shaking washer: level it and balance the load',
      '洗衣机噪音大、晃动：调平机身并均匀放衣',
    ),
    summary: step(
      'A washer standing unevenly or spinning an unbalanced load shakes and bangs. Levelling the feet fixes most noisy spins.',
      '机身不平或衣物分布不均会导致脱水时剧烈晃动和撞击声，调平底脚即可解决大多数噪音问题。',
    ),
    steps: [
      step(
        'New washer? Check that all transport bolts at the back have been removed.',
        '新机请先确认机器背后的运输螺栓已全部拆除。',
      ),
      step(
        'Put a spirit level on the top; turn the feet until it is level and the washer does not rock.',
        '在洗衣机顶部放置水平仪，旋转底脚调节至水平，按压四角不晃动。',
      ),
      step('Tighten the lock nuts on the feet.', '拧紧底脚上的锁紧螺母。'),
      step(
        'Do not wash one heavy item alone; add a few towels to balance it.',
        '不要单独洗涤一件大件衣物，可加入几条毛巾使负载均衡。',
      ),
      step(
        'If it is still loud on an even, balanced load, book a visit: the drum bearing may be worn.',
        '如机身水平、衣物均匀后仍有较大噪音，可能是滚筒轴承磨损，请预约上门服务。',
      ),
    ],
    metrics: ['drumVibrationMmS'],
  },
  {
    id: 'error-code-when-to-call',
    type: GENERAL_TYPE,
    cause: 'error_code',
    title: step(
      'An error code on the display: what it means and when to call',
      '显示故障代码怎么办：含义与报修时机',
    ),
    summary: step(
      'The code tells what the appliance detected. Some you can clear yourself; others need a technician.',
      '故障代码表示机器检测到的问题。部分代码您可以自行处理，其他则需要专业工程师上门检修。',
    ),
    steps: [
      step(
        'Note the code and when it appeared; your appliance page lists what it means.',
        '记下代码及出现时间；在"我的家电"页面可查看代码含义。',
      ),
      step(
        'Switch the appliance off, unplug it for one minute and switch it on again.',
        '关机并拔下电源插头，等待1分钟后重新通电开机。',
      ),
      step(
        'Door, filter and drain codes (R40, A22, D20, E21) you can often fix with the matching article.',
        '门未关、滤网、排水类代码（如R40、A22、D20、E21）通常可按对应指南自行处理。',
      ),
      step(
        'If the code comes back, or it is about the compressor, heater, motor or a leak, request a visit; the technician will see the code in advance.',
        '如代码反复出现，或涉及压缩机、加热、电机、漏水等问题，请提交报修，工程师会提前了解故障信息。',
      ),
    ],
    metrics: [],
  },
  {
    id: 'safety-burning-smell-or-shock',
    type: GENERAL_TYPE,
    cause: 'safety',
    title: step(
      'Burning smell, smoke or an electric shock: switch off and call us',
      '有焦糊味、冒烟或漏电：请立即断电并报修',
    ),
    summary: step(
      'Never try to fix these yourself. Cut the power at once and request a visit; safety cases go to the front of the queue.',
      '此类情况请勿自行处理。请立即切断电源并提交报修，安全类问题将优先处理。',
    ),
    steps: [
      step(
        'Switch off the breaker or unplug the appliance if you can do it safely; do not touch it with wet hands.',
        '在确保安全的前提下断开空气开关或拔下插头；切勿湿手触碰电器。',
      ),
      step(
        'If there is smoke or fire, leave the room and call 119.',
        '如有明火或浓烟，请立即撤离并拨打119。',
      ),
      step(
        'Request a visit with the symptom "burning smell" or "electric shock".',
        '提交报修时选择"有焦糊味"或"漏电"症状。',
      ),
      step(
        'Do not use the appliance until a technician has checked it.',
        '工程师检查确认前，请勿再次使用该电器。',
      ),
    ],
    metrics: [],
  },
];
