// Package e2e holds the end-to-end checks of Ortsplan: the real site runs
// in-process on a fresh SQLite database with the Flen demo, and the tests
// drive it as visitors and staff do.
//
// TestSite starts the site once and runs three checks on it:
//
//   - Accessibility opens every kind of page in headless Chromium, in
//     Swedish and English, at desktop width and at 320 CSS pixels, and runs
//     axe-core on each (WCAG 2.1 A and AA and axe's best practices). At 320
//     pixels no page may scroll sideways.
//   - Keyboard walks the home page and the login form with the Tab and
//     Enter keys only, and checks that every focused element shows a focus
//     indicator.
//   - HTMLValid fetches the server's HTML of every kind of page, and the
//     stylesheets, and checks them with the Nu HTML checker (vnu.jar).
//
// Run one of them with, for example, go test ./e2e -run TestSite/Keyboard.
// TestEveryTemplateHasAPageKind fails when a template in web/templates has
// no entry in pageKinds, so that every page stays checked.
//
// The tools come from the system and from node_modules: Chromium
// (apt-get install chromium), Java (apt-get install default-jre-headless), and
// axe-core and vnu-jar (npm ci in the module root). Without them the tests
// skip, or fail when CI=true. Set ORTSPLAN_SCREENSHOTS to a directory to keep
// screenshots of the home page at phone and desktop width.
package e2e
