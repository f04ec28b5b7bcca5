package main

import (
	"errors"

	"github.com/spf13/cobra"
)

func newScanCmd() *cobra.Command {
	return &cobra.Command{Use: "scan", RunE: func(*cobra.Command, []string) error { return errors.New("scan: not implemented yet") }}
}
