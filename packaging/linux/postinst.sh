#!/bin/sh
# wxpos postinst. dpkg runs this as root with no idea which person will sell
# at the till (SUDO_USER is unset under a graphical installer or unattended
# upgrades, and wrong for an admin installing for a cashier), so no account
# is changed: we say what to do instead.
set -e
if [ "$1" = configure ] && [ -z "$2" ]; then
	cat <<'NOTE'
wxpos: serial scanners and printers (/dev/ttyUSB*, /dev/ttyACM*) belong to
the group dialout, USB printers (/dev/usb/lp*) to lp. Add the cashier's
account to both, then log in again:
    sudo usermod -aG dialout,lp CASHIER
Autostart and kiosk mode: /usr/share/doc/wxpos/README.Debian
NOTE
fi
exit 0
