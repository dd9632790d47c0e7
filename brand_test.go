package ortsplan_test

import (
	"bytes"
	"image"
	"image/color"
	"image/gif"
	"image/png"
	"math"
	"strings"
	"testing"

	"github.com/ortsplan/ortsplan"
)

func TestContrastRatio(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want float64
	}{
		{"#000000", "#ffffff", 21},
		{"#ffffff", "#ffffff", 1},
		{"#777777", "#ffffff", 4.48}, // the classic grey just below AA
		{"#0b4f8a", "#ffffff", 8.4},
		{"#fff", "#000", 21},
	} {
		a, err := ortsplan.ParseColour(tc.a)
		if err != nil {
			t.Fatal(err)
		}
		b, err := ortsplan.ParseColour(tc.b)
		if err != nil {
			t.Fatal(err)
		}
		if got := ortsplan.ContrastRatio(a, b); math.Abs(got-tc.want) > 0.05 {
			t.Errorf("ContrastRatio(%s, %s) = %.3f, want %.2f", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestCheckAccent(t *testing.T) {
	for _, tc := range []struct {
		in, want, err string
	}{
		{in: "#0b4f8a", want: "#0b4f8a"},
		{in: " #005A9C ", want: "#005a9c"},
		{in: "#036", want: "#003366"},
		{in: "#767676", err: "contrast of 4.15:1 against #f3f5f7"}, // passes on white (4.54) but not on the header
		{in: "#ffcc00", err: "contrast of 1.5"},
		{in: "#e30613", err: "contrast of 4.46:1 against #f3f5f7"}, // a bright red passes on white, not on the header
		{in: "0b4f8a", err: "not a colour"},
		{in: "#0b4f8", err: "not a colour"},
		{in: "#zzzzzz", err: "not a colour"},
		{in: "blue", err: "not a colour"},
	} {
		c, err := ortsplan.CheckAccent(tc.in)
		switch {
		case tc.err != "":
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("CheckAccent(%q) = %v, %v; want an error with %q", tc.in, c, err, tc.err)
			}
		case err != nil:
			t.Errorf("CheckAccent(%q): %v", tc.in, err)
		case c.Hex() != tc.want:
			t.Errorf("CheckAccent(%q) = %s, want %s", tc.in, c.Hex(), tc.want)
		}
	}
}

func TestDarkerKeepsContrast(t *testing.T) {
	c, _ := ortsplan.ParseColour("#0b4f8a")
	d := c.Darker(0.75)
	if ortsplan.ContrastRatio(d, ortsplan.White) <= ortsplan.ContrastRatio(c, ortsplan.White) {
		t.Errorf("Darker gave %s, no darker than %s", d.Hex(), c.Hex())
	}
}

func pngBytes(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	img.Set(1, 1, color.RGBA{200, 0, 0, 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestCheckLogo(t *testing.T) {
	const ok = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><defs><linearGradient id="g"/></defs><rect width="10" height="10" fill="url(#g)"/><use href="#g"/></svg>`
	for _, tc := range []struct {
		name string
		in   []byte
		typ  string
		err  string
	}{
		{"svg", []byte(ok), "image/svg+xml", ""},
		{"svg with xml declaration", []byte(`<?xml version="1.0" encoding="UTF-8"?>` + ok), "image/svg+xml", ""},
		{"png", pngBytes(t), "image/png", ""},
		{"script", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), "", "<script>"},
		{"event", []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>`), "", "event attribute onload"},
		{"foreign", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><foreignObject/></svg>`), "", "<foreignObject>"},
		{"outside image", []byte(`<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><image xlink:href="https://evil.example/x.png"/></svg>`), "", "refers to"},
		{"outside css", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:url(https://evil.example/a)"/></svg>`), "", "outside itself"},
		{"entity", []byte(`<!DOCTYPE svg [<!ENTITY x "y">]><svg xmlns="http://www.w3.org/2000/svg"></svg>`), "", "declaration"},
		{"html", []byte(`<html><body>hi</body></html>`), "", "first element is <html>"},
		{"broken", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><rect></svg>`), "", "well-formed"},
		{"empty", nil, "", "empty"},
		{"too big", append([]byte(ok[:len(ok)-6]), append(bytes.Repeat([]byte(" "), ortsplan.MaxLogoBytes), "</svg>"...)...), "", "more than"},
	} {
		typ, err := ortsplan.CheckLogo(tc.in)
		if tc.err == "" && (err != nil || typ != tc.typ) {
			t.Errorf("%s: CheckLogo = %q, %v; want %q", tc.name, typ, err, tc.typ)
		}
		if tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("%s: CheckLogo = %q, %v; want an error with %q", tc.name, typ, err, tc.err)
		}
	}
}

func TestCheckPicture(t *testing.T) {
	if typ, err := ortsplan.CheckPicture(pngBytes(t)); err != nil || typ != "image/png" {
		t.Errorf("a PNG: %q, %v", typ, err)
	}
	var g bytes.Buffer
	if err := gif.Encode(&g, image.NewPaletted(image.Rect(0, 0, 2, 2), color.Palette{color.Black}), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := ortsplan.CheckPicture(g.Bytes()); err == nil {
		t.Errorf("a GIF was accepted as the home picture")
	}
	if _, err := ortsplan.CheckPicture([]byte("<svg/>")); err == nil {
		t.Errorf("an SVG was accepted as the home picture")
	}
}
