module example.com/app

go 1.19

require (
	example.com/greeter v1.4.0
	example.com/shout v0.0.0-20230102030405-abcdefabcdef
)

replace example.com/greeter => ../greeter

replace example.com/shout v0.0.0-20230102030405-abcdefabcdef => ../shout
