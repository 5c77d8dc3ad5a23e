package shout

import "strings"

// Loud upper-cases its argument.
func Loud(text string) string { return strings.ToUpper(text) }
