package web

import (
	"bytes"
	"fmt"
	"image"

	"github.com/ortsplan/ortsplan"
)

// Brand is the organisation's look, from the configuration: its accent
// colour, its logo and the home page's picture. Each is checked when the
// server is made, so a colour without contrast or a logo with a script stops
// the start with the reason instead of reaching a visitor.
type Brand struct {
	// Accent is the accent colour as #rrggbb; "" keeps the default blue.
	Accent string
	// Logo is an SVG or PNG (ortsplan.CheckLogo); nil shows the name alone.
	Logo []byte
	// HomePicture is a PNG or JPEG shown at the top of the home page, with
	// HomePictureAlt describing it (required with a picture).
	HomePicture    []byte
	HomePictureAlt string
}

// brandPage is the look as the templates use it: the addresses of the
// served files, "" for what is not configured.
type brandPage struct {
	Theme                 string
	Logo                  string
	LogoWidth, LogoHeight int // a PNG's size in pixels; 0 for SVG
	Home, HomeAlt         string
	HomeWidth, HomeHeight int
}

// setupBrand checks the configured look and adds its files to the assets.
func setupBrand(b Brand, as *assets) (brandPage, error) {
	var p brandPage
	if b.Accent != "" {
		c, err := ortsplan.CheckAccent(b.Accent)
		if err != nil {
			return p, fmt.Errorf("web: %w", err)
		}
		css := fmt.Sprintf(":root { --accent: %s; --accent-dark: %s; --link: %s; }\n", c.Hex(), c.Darker(0.72).Hex(), c.Hex())
		as.add("brand-theme.css", []byte(css), "text/css; charset=utf-8")
		if p.Theme, err = as.url("brand-theme.css"); err != nil {
			return p, err
		}
	}
	if b.Logo != nil {
		typ, err := ortsplan.CheckLogo(b.Logo)
		if err != nil {
			return p, fmt.Errorf("web: %w", err)
		}
		name := "brand-logo.svg"
		if typ == "image/png" {
			name = "brand-logo.png"
			cfg, _, _ := image.DecodeConfig(bytes.NewReader(b.Logo))
			p.LogoWidth, p.LogoHeight = cfg.Width, cfg.Height
		}
		as.add(name, b.Logo, typ)
		if p.Logo, err = as.url(name); err != nil {
			return p, err
		}
	}
	if b.HomePicture != nil {
		typ, err := ortsplan.CheckPicture(b.HomePicture)
		if err != nil {
			return p, fmt.Errorf("web: the home picture: %w", err)
		}
		if b.HomePictureAlt == "" {
			return p, fmt.Errorf("web: the home picture needs a text that describes it (--home-picture-alt)")
		}
		name := "brand-home.png"
		if typ == "image/jpeg" {
			name = "brand-home.jpg"
		}
		cfg, _, _ := image.DecodeConfig(bytes.NewReader(b.HomePicture))
		p.HomeWidth, p.HomeHeight, p.HomeAlt = cfg.Width, cfg.Height, b.HomePictureAlt
		as.add(name, b.HomePicture, typ)
		if p.Home, err = as.url(name); err != nil {
			return p, err
		}
	}
	return p, nil
}

// CheckBrand reports what is wrong with a configured look, as web.New would.
func CheckBrand(b Brand) error {
	_, err := setupBrand(b, &assets{byName: map[string]string{}, files: map[string]asset{}})
	return err
}
