// Demo safe-trade zones in Seoul and Busan, upserted through the gateway's public API as an ADMIN
// (never SQL into a service's tables). Idempotent: the zones already listed for each region are
// matched by name and updated in place (only when they differ), so a second run creates nothing.
import { GraphQLCallError, SeedClient, SeedError, errorText, startHint, type SeedClientOptions } from './seed-client.ts';

export type SafeZoneKind = 'POLICE_STATION' | 'COMMUNITY_CENTER' | 'SUBWAY_STATION' | 'CCTV_ZONE' | 'OTHER';

export interface ZoneSeed {
  name: string;
  kind: SafeZoneKind;
  address: string;
  region: string;
  latitude: number;
  longitude: number;
  openHours: string | null;
}

const POLICE = '24시간';
const CENTER = '평일 09:00-18:00';
const SUBWAY = '05:30-24:00';

/** Realistic names and addresses; coordinates inside each district (approximate). */
export const DEMO_ZONES: readonly ZoneSeed[] = [
  // 서울
  { name: '마포경찰서 안심거래존', kind: 'POLICE_STATION', address: '서울 마포구 마포대로 183', region: '서울 마포구', latitude: 37.5537, longitude: 126.9519, openHours: POLICE },
  { name: '홍대입구역 9번 출구', kind: 'SUBWAY_STATION', address: '서울 마포구 양화로 160', region: '서울 마포구', latitude: 37.5572, longitude: 126.9245, openHours: SUBWAY },
  { name: '서교동 주민센터', kind: 'COMMUNITY_CENTER', address: '서울 마포구 잔다리로 74', region: '서울 마포구', latitude: 37.5535, longitude: 126.9186, openHours: CENTER },
  { name: '망원한강공원 입구 CCTV 안심존', kind: 'CCTV_ZONE', address: '서울 마포구 마포나루길 467', region: '서울 마포구', latitude: 37.5551, longitude: 126.8955, openHours: null },
  { name: '강남경찰서 안심거래존', kind: 'POLICE_STATION', address: '서울 강남구 테헤란로114길 11', region: '서울 강남구', latitude: 37.5094, longitude: 127.0670, openHours: POLICE },
  { name: '강남역 11번 출구', kind: 'SUBWAY_STATION', address: '서울 강남구 강남대로 396', region: '서울 강남구', latitude: 37.4979, longitude: 127.0276, openHours: SUBWAY },
  { name: '역삼1동 주민센터', kind: 'COMMUNITY_CENTER', address: '서울 강남구 역삼로7길 16', region: '서울 강남구', latitude: 37.4954, longitude: 127.0330, openHours: CENTER },
  { name: '송파경찰서 안심거래존', kind: 'POLICE_STATION', address: '서울 송파구 중대로 221', region: '서울 송파구', latitude: 37.4995, longitude: 127.1178, openHours: POLICE },
  { name: '잠실역 8번 출구', kind: 'SUBWAY_STATION', address: '서울 송파구 올림픽로 265', region: '서울 송파구', latitude: 37.5133, longitude: 127.1001, openHours: SUBWAY },
  { name: '관악경찰서 안심거래존', kind: 'POLICE_STATION', address: '서울 관악구 관악로5길 33', region: '서울 관악구', latitude: 37.4743, longitude: 126.9510, openHours: POLICE },
  { name: '서울대입구역 3번 출구', kind: 'SUBWAY_STATION', address: '서울 관악구 남부순환로 지하 1822', region: '서울 관악구', latitude: 37.4812, longitude: 126.9527, openHours: SUBWAY },
  { name: '노원경찰서 안심거래존', kind: 'POLICE_STATION', address: '서울 노원구 노원로 283', region: '서울 노원구', latitude: 37.6420, longitude: 127.0716, openHours: POLICE },
  { name: '노원역 2번 출구', kind: 'SUBWAY_STATION', address: '서울 노원구 상계로 지하 69', region: '서울 노원구', latitude: 37.6555, longitude: 127.0614, openHours: SUBWAY },
  { name: '영등포경찰서 안심거래존', kind: 'POLICE_STATION', address: '서울 영등포구 국회대로 608', region: '서울 영등포구', latitude: 37.5262, longitude: 126.9007, openHours: POLICE },
  { name: '여의도역 5번 출구', kind: 'SUBWAY_STATION', address: '서울 영등포구 여의나루로 40', region: '서울 영등포구', latitude: 37.5216, longitude: 126.9243, openHours: SUBWAY },
  { name: '성동경찰서 안심거래존', kind: 'POLICE_STATION', address: '서울 성동구 왕십리광장로 9', region: '서울 성동구', latitude: 37.5617, longitude: 127.0370, openHours: POLICE },
  { name: '성수역 3번 출구 CCTV 안심존', kind: 'CCTV_ZONE', address: '서울 성동구 아차산로 100', region: '서울 성동구', latitude: 37.5446, longitude: 127.0557, openHours: null },
  { name: '연신내역 앞 CCTV 안심존', kind: 'CCTV_ZONE', address: '서울 은평구 통일로 849', region: '서울 은평구', latitude: 37.6190, longitude: 126.9210, openHours: null },
  // 부산
  { name: '해운대경찰서 안심거래존', kind: 'POLICE_STATION', address: '부산 해운대구 중동2로 11', region: '부산 해운대구', latitude: 35.1631, longitude: 129.1636, openHours: POLICE },
  { name: '해운대역 5번 출구', kind: 'SUBWAY_STATION', address: '부산 해운대구 해운대로 지하 626', region: '부산 해운대구', latitude: 35.1636, longitude: 129.1588, openHours: SUBWAY },
  { name: '센텀시티역 12번 출구', kind: 'SUBWAY_STATION', address: '부산 해운대구 해운대로 지하 210', region: '부산 해운대구', latitude: 35.1693, longitude: 129.1316, openHours: SUBWAY },
  { name: '우1동 행정복지센터', kind: 'COMMUNITY_CENTER', address: '부산 해운대구 우동1로 38', region: '부산 해운대구', latitude: 35.1660, longitude: 129.1560, openHours: CENTER },
  { name: '부산진경찰서 안심거래존', kind: 'POLICE_STATION', address: '부산 부산진구 시민공원로 30', region: '부산 부산진구', latitude: 35.1650, longitude: 129.0560, openHours: POLICE },
  { name: '서면역 7번 출구', kind: 'SUBWAY_STATION', address: '부산 부산진구 중앙대로 지하 730', region: '부산 부산진구', latitude: 35.1578, longitude: 129.0592, openHours: SUBWAY },
  { name: '전포1동 행정복지센터', kind: 'COMMUNITY_CENTER', address: '부산 부산진구 전포대로 246', region: '부산 부산진구', latitude: 35.1545, longitude: 129.0650, openHours: CENTER },
  { name: '동래경찰서 안심거래존', kind: 'POLICE_STATION', address: '부산 동래구 충렬대로 187', region: '부산 동래구', latitude: 35.2049, longitude: 129.0839, openHours: POLICE },
  { name: '동래역 1번 출구', kind: 'SUBWAY_STATION', address: '부산 동래구 중앙대로 지하 1523', region: '부산 동래구', latitude: 35.2057, longitude: 129.0785, openHours: SUBWAY },
  { name: '남부경찰서 안심거래존', kind: 'POLICE_STATION', address: '부산 남구 못골로 19', region: '부산 남구', latitude: 35.1350, longitude: 129.0930, openHours: POLICE },
  { name: '경성대·부경대역 3번 출구', kind: 'SUBWAY_STATION', address: '부산 남구 수영로 지하 309', region: '부산 남구', latitude: 35.1376, longitude: 129.1003, openHours: SUBWAY },
  { name: '사하경찰서 안심거래존', kind: 'POLICE_STATION', address: '부산 사하구 낙동대로 398', region: '부산 사하구', latitude: 35.1000, longitude: 128.9760, openHours: POLICE },
  { name: '광안리해수욕장 CCTV 안심존', kind: 'CCTV_ZONE', address: '부산 수영구 광안해변로 219', region: '부산 수영구', latitude: 35.1532, longitude: 129.1187, openHours: null },
  { name: '부산역 광장 CCTV 안심존', kind: 'CCTV_ZONE', address: '부산 동구 중앙대로 206', region: '부산 동구', latitude: 35.1151, longitude: 129.0415, openHours: null },
];

export interface SeedZonesOptions extends SeedClientOptions {
  gatewayUrl: string;
  email: string;
  password: string;
  /** An ADMIN access token, when the caller already signed in. */
  token?: string;
  log?: (line: string) => void;
  zones?: readonly ZoneSeed[];
}

export interface SeedZonesResult {
  created: number;
  updated: number;
  unchanged: number;
}

interface ZoneRow extends ZoneSeed {
  id: string;
}

export { SeedError };

const ZONE_FIELDS = 'id name kind address region latitude longitude openHours';
const LOGIN = `mutation SeedLogin($email: String!, $password: String!) { login(email: $email, password: $password) { accessToken user { role } } }`;
const LIST = `query SeedZones($region: String!) { safeTradeZones(region: $region, first: 50) { ${ZONE_FIELDS} } }`;
const UPSERT = `mutation SeedUpsertZone($id: ID, $input: SafeTradeZoneInput!) { upsertSafeTradeZone(id: $id, input: $input) { ${ZONE_FIELDS} } }`;

const inputOf = (z: ZoneSeed): ZoneSeed => ({
  name: z.name,
  kind: z.kind,
  address: z.address,
  region: z.region,
  latitude: z.latitude,
  longitude: z.longitude,
  openHours: z.openHours ?? null,
});

const sameZone = (a: ZoneSeed, b: ZoneSeed): boolean =>
  a.name === b.name && a.kind === b.kind && a.address === b.address && a.region === b.region &&
  Math.abs(a.latitude - b.latitude) < 1e-9 && Math.abs(a.longitude - b.longitude) < 1e-9 && (a.openHours ?? null) === (b.openHours ?? null);

/** Signs in as an ADMIN and returns the access token; explains what to do when it cannot. */
export async function adminLogin(client: SeedClient, email: string, password: string): Promise<string> {
  let login: { login: { accessToken: string; user: { role: string } } };
  try {
    login = await client.call('login', LOGIN, { email, password });
  } catch (error) {
    if (error instanceof GraphQLCallError) throw new SeedError(`cannot sign in as ${email}: ${errorText(error.errors)}; ${startHint()}`);
    throw error;
  }
  if (login.login.user.role !== 'ADMIN') {
    throw new SeedError(`${email} signed in but is not an ADMIN (role ${login.login.user.role}); ${startHint()}`);
  }
  return login.login.accessToken;
}

/** Signs in as an ADMIN (or uses the given admin token) and upserts the demo zones; a second run creates nothing. */
export async function seedZones(options: SeedZonesOptions): Promise<SeedZonesResult> {
  const client = new SeedClient(options.gatewayUrl, options);
  const log = options.log ?? (() => {});
  const zones = options.zones ?? DEMO_ZONES;
  const token = options.token ?? (await adminLogin(client, options.email, options.password));

  // What is there already, by region then name (the search matches the region exactly).
  const existing = new Map<string, ZoneRow>();
  for (const region of [...new Set(zones.map((z) => z.region))]) {
    const listed = await client.call<{ safeTradeZones: ZoneRow[] }>(`listing the zones of ${region}`, LIST, { region }, token);
    for (const row of listed.safeTradeZones) {
      const key = `${row.region}\u0000${row.name}`;
      if (!existing.has(key)) existing.set(key, row);
    }
  }

  const result: SeedZonesResult = { created: 0, updated: 0, unchanged: 0 };
  for (const zone of zones) {
    const input = inputOf(zone);
    const found = existing.get(`${zone.region}\u0000${zone.name}`);
    if (found && sameZone(found, input)) {
      result.unchanged += 1;
      continue;
    }
    const saved = await client.call<{ upsertSafeTradeZone: ZoneRow }>(`saving the zone "${zone.name}"`, UPSERT, { id: found?.id ?? null, input }, token);
    existing.set(`${zone.region}\u0000${zone.name}`, saved.upsertSafeTradeZone);
    if (found) result.updated += 1;
    else result.created += 1;
  }
  log(`safe-trade zones: ${result.created} created, ${result.updated} updated, ${result.unchanged} unchanged (${zones.length} in the demo set)`);
  return result;
}
