package ortsplan

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"image"
	_ "image/jpeg" // a home picture may be a JPEG
	_ "image/png"  // a logo or picture may be a PNG
	"io"
	"math"
	"strconv"
	"strings"
)

// The organisation's look: its accent colour, its logo and the home page's
// picture come from the configuration. These rules decide what is accepted;
// the command line refuses to start with anything else and says why.

// Colour is an sRGB colour.
type Colour struct{ R, G, B uint8 }

// Hex is the colour as #rrggbb.
func (c Colour) Hex() string { return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B) }

// ParseColour reads #rgb or #rrggbb.
func ParseColour(s string) (Colour, error) {
	s = strings.TrimSpace(s)
	h, ok := strings.CutPrefix(s, "#")
	if !ok || len(h) != 3 && len(h) != 6 {
		return Colour{}, fmt.Errorf("%q is not a colour: write it as #rrggbb, for example #0b4f8a", s)
	}
	if len(h) == 3 {
		h = string([]byte{h[0], h[0], h[1], h[1], h[2], h[2]})
	}
	v, err := strconv.ParseUint(h, 16, 32)
	if err != nil {
		return Colour{}, fmt.Errorf("%q is not a colour: write it as #rrggbb, for example #0b4f8a", s)
	}
	return Colour{uint8(v >> 16), uint8(v >> 8), uint8(v)}, nil
}

// luminance is WCAG 2.1's relative luminance.
func (c Colour) luminance() float64 {
	ch := func(v uint8) float64 {
		x := float64(v) / 255
		if x <= 0.04045 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	return 0.2126*ch(c.R) + 0.7152*ch(c.G) + 0.0722*ch(c.B)
}

// ContrastRatio is WCAG 2.1's contrast ratio of two colours, from 1 to 21.
func ContrastRatio(a, b Colour) float64 {
	la, lb := a.luminance(), b.luminance()
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// Darker is the colour with each channel scaled by f (0–1), for hover states.
func (c Colour) Darker(f float64) Colour {
	s := func(v uint8) uint8 { return uint8(math.Round(float64(v) * f)) }
	return Colour{s(c.R), s(c.G), s(c.B)}
}

// MinAccentContrast is WCAG 2.1 AA's contrast for normal text (1.4.3): the
// accent colour is the colour of links, of white text on buttons and of the
// header's band, so it must reach it against white and the pale header.
const MinAccentContrast = 4.5

// The backgrounds the accent colour stands on or carries text against.
var (
	White    = Colour{0xff, 0xff, 0xff}
	SoftGrey = Colour{0xf3, 0xf5, 0xf7} // the header's and the footer's background
)

// CheckAccent parses an accent colour and refuses one that does not reach
// MinAccentContrast against white and the pale header, naming the ratio.
func CheckAccent(s string) (Colour, error) {
	c, err := ParseColour(s)
	if err != nil {
		return Colour{}, err
	}
	for _, bg := range []Colour{White, SoftGrey} {
		if r := ContrastRatio(c, bg); r < MinAccentContrast {
			return Colour{}, fmt.Errorf("the accent colour %s has a contrast of %.2f:1 against %s, and text needs at least %.1f:1 (WCAG 2.1, 1.4.3); choose a darker colour",
				c.Hex(), math.Floor(r*100)/100, bg.Hex(), MinAccentContrast)
		}
	}
	return c, nil
}

// MaxLogoBytes bounds a logo; a logo is small.
const MaxLogoBytes = 256 << 10

// MaxPictureBytes bounds the home page's picture.
const MaxPictureBytes = 2 << 20

// CheckLogo decides whether b is a logo the site can show: an SVG without
// scripts, event handlers, foreign content or outside references, or a PNG,
// at most MaxLogoBytes. It returns the content type.
func CheckLogo(b []byte) (string, error) {
	if len(b) == 0 {
		return "", fmt.Errorf("the logo is empty")
	}
	if len(b) > MaxLogoBytes {
		return "", fmt.Errorf("the logo is %d bytes, more than the %d a logo may be", len(b), MaxLogoBytes)
	}
	if bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) {
		if _, _, err := image.DecodeConfig(bytes.NewReader(b)); err != nil {
			return "", fmt.Errorf("the logo is not a readable PNG: %v", err)
		}
		return "image/png", nil
	}
	if err := checkSVG(b); err != nil {
		return "", err
	}
	return "image/svg+xml", nil
}

// checkSVG accepts well-formed SVG whose root is svg and which has no script,
// no foreignObject, no event attribute and no reference outside itself.
func checkSVG(b []byte) error {
	d := xml.NewDecoder(bytes.NewReader(b))
	d.Strict = true
	root := true
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("the logo is neither a PNG nor well-formed SVG: %v", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			name := strings.ToLower(t.Name.Local)
			if root && name != "svg" {
				return fmt.Errorf("the logo is neither a PNG nor SVG (its first element is <%s>)", t.Name.Local)
			}
			root = false
			if name == "script" || name == "foreignobject" || name == "iframe" {
				return fmt.Errorf("the SVG logo has a <%s> element, which a logo may not have", t.Name.Local)
			}
			for _, a := range t.Attr {
				an, v := strings.ToLower(a.Name.Local), strings.TrimSpace(a.Value)
				if strings.HasPrefix(an, "on") {
					return fmt.Errorf("the SVG logo has an event attribute %s, which a logo may not have", a.Name.Local)
				}
				if (an == "href" || an == "src") && !strings.HasPrefix(v, "#") {
					return fmt.Errorf("the SVG logo refers to %q; a logo must hold all it shows", truncateText(v, 40))
				}
				if strings.Contains(strings.ToLower(v), "url(") && !strings.Contains(strings.ToLower(v), "url(#") {
					return fmt.Errorf("the SVG logo refers to something outside itself in %s", a.Name.Local)
				}
			}
		case xml.Directive:
			return fmt.Errorf("the SVG logo has a <!%s…> declaration, which a logo may not have", truncateText(string(t), 10))
		case xml.ProcInst:
			if t.Target != "xml" {
				return fmt.Errorf("the SVG logo has a processing instruction <?%s?>", t.Target)
			}
		}
	}
	if root {
		return fmt.Errorf("the logo is empty")
	}
	return nil
}

// CheckPicture decides whether b is a picture for the home page: a PNG or a
// JPEG at most MaxPictureBytes. It returns the content type.
func CheckPicture(b []byte) (string, error) {
	if len(b) > MaxPictureBytes {
		return "", fmt.Errorf("the picture is %d bytes, more than the %d it may be", len(b), MaxPictureBytes)
	}
	_, format, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return "", fmt.Errorf("the picture is neither a readable PNG nor JPEG: %v", err)
	}
	switch format {
	case "png":
		return "image/png", nil
	case "jpeg":
		return "image/jpeg", nil
	}
	return "", fmt.Errorf("the picture is a %s; use a PNG or a JPEG", format)
}

// truncateText cuts s to n runes for a message.
func truncateText(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
