package textdiff_test

import (
	"fmt"

	"github.com/ortsplan/ortsplan/textdiff"
)

func ExampleWords() {
	ops := textdiff.Words("Gång- och cykelväg längs ån byggs 2025.", "Gång- och cykelväg längs sjön byggs 2026.")
	for _, op := range ops {
		fmt.Printf("%v %q\n", op.Kind, op.Text)
	}
	ins, del := textdiff.Stats(ops)
	fmt.Println(ins, "inserted,", del, "deleted")
	// Output:
	// Equal "Gång- och cykelväg längs "
	// Delete "ån"
	// Insert "sjön"
	// Equal " byggs "
	// Delete "2025"
	// Insert "2026"
	// Equal "."
	// 2 inserted, 2 deleted
}
