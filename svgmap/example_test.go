package svgmap_test

import (
	"fmt"
	"strings"

	"github.com/ortsplan/ortsplan/svgmap"
)

func ExampleRender() {
	svg := svgmap.Render([]svgmap.Point{
		{Label: "Flen", Href: "/orter/flen", Lat: 59.0568, Lon: 16.5893,
			Class: "phase-genomforande", Description: "Genomförandefas, 45 % genomfört"},
		{Label: "Malmköping", Href: "/orter/malmkoping", Lat: 59.1331, Lon: 16.7255},
	}, svgmap.Options{
		Title: "Karta över orterna",
		Desc:  "Tabellen nedan visar samma orter.",
	})
	fmt.Println(strings.Count(string(svg), "<a href="), "links")
	// Output: 2 links
}
