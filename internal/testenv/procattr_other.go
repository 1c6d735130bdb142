//go:build !linux

package testenv

import "syscall"

// ChildAttr returns no special attributes: only Linux can tie a child's life
// to its parent's.
func ChildAttr() *syscall.SysProcAttr { return nil }
