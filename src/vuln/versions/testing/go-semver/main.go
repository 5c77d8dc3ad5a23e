// Reads pairs of versions (two lines per pair) from stdin and prints, for each pair, Go's own
// golang.org/x/mod/semver answer: "<Compare(a, b)> <IsValid(a)>". The reference for go.test.ts.
package main

import (
	"bufio"
	"fmt"
	"os"

	"golang.org/x/mod/semver"
)

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for in.Scan() {
		a := in.Text()
		if !in.Scan() {
			break
		}
		b := in.Text()
		valid := 0
		if semver.IsValid(a) {
			valid = 1
		}
		fmt.Fprintf(out, "%d %d\n", semver.Compare(a, b), valid)
	}
}
