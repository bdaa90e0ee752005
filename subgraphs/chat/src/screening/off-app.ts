// Moving the deal to a messenger ("카톡 아이디 알려드릴게요", "오픈채팅으로 오세요", "add me on telegram
// @deal_fast"): outside the app nothing is screened, no warning reaches the buyer and no report has
// evidence, which is why fraudsters ask for it. Korean is matched on the compact text so spacing
// and dots inside the word ("텔.레.그.램", "카 톡") do not hide it; English on whole words, because
// compact English runs words together ("online identity" would read "lineid").

/** Matched on compact text (normalise.ts compactText). "라인"/"텔레" alone are everyday words (온라인, 텔레비전). */
const MESSENGERS_KO = /카톡|카카오톡|오픈채팅|오픈톡|텔레그램|텔래그램|텔레그렘|텔레아이디|텔레id|텔레로|라인아이디|라인id|라인친추|라인추가|왓츠앱|왓츠업|위챗|위쳇|openkakao/;
/** Matched on folded text with runs of separators turned into one space. */
const MESSENGERS_EN = [
  /\btelegram\b/,
  /\btele ?gram\b/,
  /\bkakao ?talk\b/,
  /\bkakao ?(?:id|me)\b/,
  /\bline ?(?:id|me)\b/,
  /\b(?:add|text|message|contact|find|dm|reach) me on (?:kakao|kakaotalk|telegram|whatsapp|line|wechat|signal)\b/,
  /\bwhats ?app\b/,
  /\bwechat\b/,
];
/** Invitation links, matched on folded text. */
const MESSENGER_LINKS = /(?<![a-z0-9])(?:t\.me\/|telegram\.me\/|open\.kakao\.com|qr\.kakao\.com|line\.me\/|wa\.me\/)/;

export function movesOffApp(folded: string, compact: string): boolean {
  if (MESSENGERS_KO.test(compact) || MESSENGER_LINKS.test(folded)) return true;
  const spaced = folded.replace(/[\s.·_\-~\u200b]+/g, ' ');
  return MESSENGERS_EN.some((pattern) => pattern.test(spaced));
}

