package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/josephspurrier/goversioninfo"
	"golang.org/x/image/draw"
)

// fyneApp is the part of FyneApp.toml the resources use.
type fyneApp struct {
	Website string
	Details struct {
		Icon    string
		Name    string
		ID      string
		Version string
		Build   int
	}
}

func readFyneApp(root string) (fyneApp, error) {
	var a fyneApp
	_, err := toml.DecodeFile(filepath.Join(root, "FyneApp.toml"), &a)
	if err == nil && (a.Details.Name == "" || a.Details.Icon == "" || a.Details.Version == "") {
		err = fmt.Errorf("FyneApp.toml: Details needs Name, Icon and Version")
	}
	return a, err
}

// writeSyso writes the icon and version resources as a COFF object.
func writeSyso(root, out, version, arch string) error {
	app, err := readFyneApp(root)
	if err != nil {
		return err
	}
	if version == "" {
		version = app.Details.Version
	}
	ico, err := os.CreateTemp("", "wxpos-*.ico")
	if err != nil {
		return err
	}
	defer os.Remove(ico.Name())
	if err := writeIco(filepath.Join(root, app.Details.Icon), ico); err != nil {
		ico.Close()
		return err
	}
	if err := ico.Close(); err != nil {
		return err
	}
	fixed, err := goversioninfo.NewFileVersion(numericVersion(version, app.Details.Build))
	if err != nil {
		return fmt.Errorf("version %q: %w", version, err)
	}
	vi := &goversioninfo.VersionInfo{IconPath: ico.Name()}
	vi.FixedFileInfo.FileVersion, vi.FixedFileInfo.ProductVersion = fixed, fixed
	vi.StringFileInfo = goversioninfo.StringFileInfo{
		ProductName: app.Details.Name, FileDescription: "WeChat Pay point-of-sale terminal",
		FileVersion: version, ProductVersion: version, InternalName: app.Details.ID,
		OriginalFilename: "wxpos.exe", Comments: app.Website,
	}
	vi.VarFileInfo.Translation = goversioninfo.Translation{LangID: goversioninfo.LngUSEnglish, CharsetID: goversioninfo.CsUnicode}
	vi.Build()
	vi.Walk()
	return vi.WriteSyso(out, arch)
}

// numericVersion turns "0.1.0-dev+abc" and build 1 into "0.1.0.1": the
// fixed version is four numbers.
func numericVersion(v string, build int) string {
	v = strings.TrimPrefix(v, "v")
	if i := strings.IndexAny(v, "-+"); i >= 0 {
		v = v[:i]
	}
	parts := strings.Split(v, ".")
	for len(parts) < 3 {
		parts = append(parts, "0")
	}
	return strings.Join(append(parts[:3], strconv.Itoa(build)), ".")
}

// writeIco writes an .ico of PNG-compressed images (Windows Vista and
// later read them) at the sizes the shell asks for.
func writeIco(pngPath string, w *os.File) error {
	f, err := os.Open(pngPath)
	if err != nil {
		return err
	}
	src, err := png.Decode(f)
	f.Close()
	if err != nil {
		return fmt.Errorf("%s: %w", pngPath, err)
	}
	sizes := []int{256, 48, 32, 16}
	var images [][]byte
	for _, n := range sizes {
		dst := image.NewNRGBA(image.Rect(0, 0, n, n))
		draw.CatmullRom.Scale(dst, dst.Bounds(), src, src.Bounds(), draw.Over, nil)
		var b bytes.Buffer
		if err := png.Encode(&b, dst); err != nil {
			return err
		}
		images = append(images, b.Bytes())
	}
	var hdr bytes.Buffer
	binary.Write(&hdr, binary.LittleEndian, [3]uint16{0, 1, uint16(len(sizes))}) // reserved, icon, count
	offset := 6 + 16*len(sizes)
	for i, n := range sizes {
		dim := uint8(n % 256) // 256 is written as 0
		binary.Write(&hdr, binary.LittleEndian, struct {
			W, H, Colors, Reserved uint8
			Planes, BitCount       uint16
			Size, Offset           uint32
		}{dim, dim, 0, 0, 1, 32, uint32(len(images[i])), uint32(offset)})
		offset += len(images[i])
	}
	if _, err := w.Write(hdr.Bytes()); err != nil {
		return err
	}
	for _, img := range images {
		if _, err := w.Write(img); err != nil {
			return err
		}
	}
	return nil
}
