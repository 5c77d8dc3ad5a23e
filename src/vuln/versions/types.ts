/**
 * The comparator contract the vulnerability matcher uses: one per ecosystem, ordering versions
 * exactly as that ecosystem's package manager does.
 */
export interface VersionComparator {
  /**
   * Orders two versions: negative when `a` is older, 0 when the package manager treats them as
   * the same version, positive when `a` is newer. Never throws: strings the package manager
   * would reject are still ordered, by the rule each module documents.
   */
  compare(a: string, b: string): number;
  /** True when the package manager itself accepts `v` as a version. */
  isValid(v: string): boolean;
}
