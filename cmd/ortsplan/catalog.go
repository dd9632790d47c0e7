package main

import "github.com/ortsplan/ortsplan/i18n"

var cliCatalog = i18n.MustLoad()
