/**
 * Debian release codenames and their numbers, shared by the sources (feeds name releases by
 * codename) and the matcher (images whose os-release has no VERSION_ID name only the codename).
 * Unstable is kept as "sid": it has no number.
 */
const RELEASE_NUMBERS: Readonly<Record<string, string>> = {
  hamm: '2.0',
  slink: '2.1',
  potato: '2.2',
  woody: '3.0',
  sarge: '3.1',
  etch: '4.0',
  lenny: '5',
  squeeze: '6',
  wheezy: '7',
  jessie: '8',
  stretch: '9',
  buster: '10',
  bullseye: '11',
  bookworm: '12',
  trixie: '13',
  forky: '14',
  duke: '15',
  sid: 'sid',
};

/** "12" for "bookworm"; undefined for a codename Portcullis does not know. */
export function debianReleaseNumber(codename: string): string | undefined {
  return Object.hasOwn(RELEASE_NUMBERS, codename) ? RELEASE_NUMBERS[codename] : undefined;
}
