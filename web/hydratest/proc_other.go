//go:build !linux

package hydratest

import "syscall"

func procAttr() *syscall.SysProcAttr { return nil }
