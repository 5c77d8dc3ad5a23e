package greeter

// Hello is what the test program prints.
func Hello() string { return "hello" }
