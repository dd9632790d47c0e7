package ortsplan

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Phase is where a locality stands in the ortsutveckling process.
type Phase string

// The four phases, in process order.
const (
	PhaseMobilising   Phase = "mobiliserande"
	PhaseInitial      Phase = "inledande"
	PhaseImplementing Phase = "genomforande"
	PhaseClosing      Phase = "avslutande"
)

// Phases lists the phases in process order.
var Phases = []Phase{PhaseMobilising, PhaseInitial, PhaseImplementing, PhaseClosing}

// Valid reports whether p is a known phase.
func (p Phase) Valid() bool { return slices.Contains(Phases, p) }

// Locality (ort) is a place in the municipality with its own development work.
type Locality struct {
	ID          int64
	Slug        string
	Name        string
	Description string // Markdown
	Inhabitants *int
	Lat, Lon    *float64
	Phase       Phase
	// PhaseSince is input to CreateLocality: when the current phase began
	// (default today). The timeline itself is the phase history.
	PhaseSince time.Time
	Version    int // optimistic lock for edits
	// Image is the locality's picture in its stored sizes; ImageAlt describes it.
	Image     []FileVariant
	ImageAlt  string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// LocalityService reads and writes localities, their contact people and
// picture. Only admins and coordinators create localities; changes need the
// right to edit the locality.
type LocalityService interface {
	CreateLocality(ctx context.Context, l *Locality) error
	// MayCreateLocality answers nil if the acting account may create a
	// locality: EUNAUTHORIZED without an account, EFORBIDDEN without the right.
	MayCreateLocality(ctx context.Context) error
	FindLocality(ctx context.Context, slug string) (*Locality, error)
	// EditableLocality returns the locality with the given slug if the acting
	// account may edit it: EUNAUTHORIZED without an account, EFORBIDDEN
	// without the right. Editing forms ask it before they are shown.
	EditableLocality(ctx context.Context, slug string) (*Locality, error)
	ListLocalities(ctx context.Context) ([]*Locality, error)
	// UpdateLocality saves the locality's own fields (refusing a stale
	// Version with ECONFLICT) and its contact people in the order chosen,
	// with the page owner chosen among them (nil keeps them), in one
	// transaction.
	UpdateLocality(ctx context.Context, l *Locality, contacts *ContactChoice) error
	// Contacts returns the locality's active contact people in order, the
	// page owner marked.
	Contacts(ctx context.Context, localityID int64) ([]*Contact, error)
	// SetLocalityImage replaces the locality's picture (nil removes it) and
	// returns the variants it replaced, so their files can be deleted.
	SetLocalityImage(ctx context.Context, localityID int64, image []FileVariant, alt string) ([]FileVariant, error)
}

// Validate checks a locality's fields and trims them in place.
func (l *Locality) Validate() error {
	v := ValidationErrors{}
	l.Name = strings.TrimSpace(l.Name)
	if l.Slug = FoldSlug(l.Slug); l.Slug == "" {
		l.Slug = SlugFromName(l.Name)
	}
	if l.Name == "" {
		v.Add("name", "error.name_required")
	} else if utf8.RuneCountInString(l.Name) > 100 {
		v.Add("name", "error.too_long")
	}
	if !ValidSlug(l.Slug) {
		v.Add("slug", "error.slug_invalid")
	}
	if !l.Phase.Valid() {
		v.Add("phase", "error.phase_invalid")
	}
	if l.Inhabitants != nil && (*l.Inhabitants < 0 || *l.Inhabitants > 10_000_000) {
		v.Add("inhabitants", "error.number_invalid")
	}
	if (l.Lat == nil) != (l.Lon == nil) || l.Lat != nil && (*l.Lat < -90 || *l.Lat > 90 || *l.Lon < -180 || *l.Lon > 180) {
		v.Add("coordinates", "error.coordinates_invalid")
	}
	return v.Err()
}

// slugFold are the letters a slug spells without their marks.
var slugFold = strings.NewReplacer("å", "a", "ä", "a", "ö", "o", "é", "e", "è", "e", "ê", "e", "ë", "e", "ü", "u", "á", "a", "à", "a",
	"í", "i", "ó", "o", "ú", "u", "ø", "o", "æ", "ae", "ß", "ss")

// FoldSlug makes a typed slug out of what a person is likely to type:
// trimmed, in small letters, with Swedish and other marked letters folded
// (å→a, ä→a, ö→o) and spaces as hyphens, so "Stjärnhov" becomes "stjarnhov".
// Anything else is left for ValidSlug to refuse.
func FoldSlug(s string) string {
	s = slugFold.Replace(strings.ToLower(strings.TrimSpace(s)))
	return strings.Join(strings.Fields(s), "-")
}

// SlugFromName proposes a slug for a name: folded as FoldSlug does, every
// run of other characters one hyphen, at most 60 characters. "Stora
// Sundby (Hjälmaren)" becomes "stora-sundby-hjalmaren".
func SlugFromName(name string) string {
	var b strings.Builder
	hyphen := false
	for _, r := range slugFold.Replace(strings.ToLower(name)) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteRune(r)
			if b.Len() >= 60 {
				break
			}
			continue
		}
		hyphen = true
	}
	return strings.Trim(b.String(), "-")
}

// ValidSlug reports whether s is a URL slug: 1–60 of a–z, 0–9 and inner hyphens.
func ValidSlug(s string) bool {
	if s == "" || len(s) > 60 || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}
