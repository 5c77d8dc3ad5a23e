<?php
// Reads JSON pairs [a, b] (one per line) from stdin and prints, for each, what Composer and PHP
// answer: [normalize(a), normalize(b), version_compare(normalize(a), normalize(b)),
// version_compare(a, b)], with null where normalize() throws. The reference for packagist.test.ts.
require '/usr/share/php/Composer/Semver/autoload.php';

$parser = new Composer\Semver\VersionParser();
$normalize = function (string $version) use ($parser): ?string {
    try {
        return $parser->normalize($version);
    } catch (\Exception $e) {
        return null;
    }
};
while (($line = fgets(STDIN)) !== false) {
    [$a, $b] = json_decode($line, true);
    $na = $normalize($a);
    $nb = $normalize($b);
    $normalized = ($na !== null && $nb !== null) ? version_compare($na, $nb) : null;
    echo json_encode([$na, $nb, $normalized, version_compare($a, $b)]), "\n";
}
