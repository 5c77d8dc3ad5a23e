package main

import (
	"fmt"

	"example.com/greeter"
	"example.com/shout"
)

var version = "unset"

func main() { fmt.Println(shout.Loud(greeter.Hello()), version) }
