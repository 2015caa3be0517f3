// Command quickstart is the first program to run: it shows the library's
// kernel at work. Later packages extend it.
package main

import (
	"fmt"

	"github.com/cabinet-go/cabinet"
)

func main() {
	_, err := cabinet.ParseEmail("email", "not an email")
	fmt.Println(err)
}
