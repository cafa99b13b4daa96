package syntax

p if {
	input.x ==
}
