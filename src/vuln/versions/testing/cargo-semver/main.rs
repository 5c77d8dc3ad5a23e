// Reads pairs of versions (two lines per pair) from stdin and prints, for each pair, the answer
// of the `semver` crate Cargo uses: "<a.cmp(b)> <a parses>", or "invalid <a parses>" when either
// does not parse. The reference for cargo.test.ts.
use std::io::{self, BufRead, Write};

fn main() {
    let stdin = io::stdin();
    let mut lines = stdin.lock().lines();
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    while let (Some(Ok(a)), Some(Ok(b))) = (lines.next(), lines.next()) {
        let pa = semver::Version::parse(&a);
        let pb = semver::Version::parse(&b);
        let valid = if pa.is_ok() { 1 } else { 0 };
        match (pa, pb) {
            (Ok(x), Ok(y)) => writeln!(out, "{} {}", x.cmp(&y) as i8, valid).unwrap(),
            _ => writeln!(out, "invalid {}", valid).unwrap(),
        }
    }
}
