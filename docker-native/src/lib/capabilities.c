#include "capabilities.h"
#include "cleanup.h"
#include "fs.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

int
dn_caps_last_cap (void)
{
  static int last = -1;
  if (last >= 0)
    return last;
  cleanup_free char *text = NULL;
  if (dn_read_file_at (AT_FDCWD, "/proc/sys/kernel/cap_last_cap", &text, NULL, NULL) == 0)
    last = atoi (text);
  if (last <= 0 || last > 63)
    last = CAP_LAST_CAP;
  return last;
}

int
dn_caps_drop_bounding (uint64_t bounding, dn_error_t *err)
{
  int last = dn_caps_last_cap ();
  for (int cap = 0; cap <= last; cap++)
    {
      if (bounding & (1ULL << cap))
        continue;
      if (prctl (PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
        return dn_make_error (err, errno, "drop capability %d from the bounding set", cap);
    }
  return 0;
}

int
dn_caps_apply (const uint64_t caps[DN_CAP_SETS], dn_error_t *err)
{
  uint64_t known = (dn_caps_last_cap () >= 63) ? ~0ULL : ((1ULL << (dn_caps_last_cap () + 1)) - 1);
  uint64_t eff = caps[DN_CAP_EFFECTIVE] & known, prm = caps[DN_CAP_PERMITTED] & known,
           inh = caps[DN_CAP_INHERITABLE] & known;
  struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
  struct __user_cap_data_struct data[2] = {
    { .effective = (uint32_t) eff, .permitted = (uint32_t) prm, .inheritable = (uint32_t) inh },
    { .effective = (uint32_t) (eff >> 32), .permitted = (uint32_t) (prm >> 32), .inheritable = (uint32_t) (inh >> 32) },
  };
  if (syscall (SYS_capset, &hdr, data) < 0)
    return dn_make_error (err, errno, "set capabilities");

  if (prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
    return dn_make_error (err, errno, "clear the ambient capabilities");
  for (int cap = 0; cap <= dn_caps_last_cap (); cap++)
    {
      if (!(caps[DN_CAP_AMBIENT] & (1ULL << cap)))
        continue;
      /* The kernel only raises an ambient capability that is also permitted and
       * inheritable; runc ignores the refusal (its own template relies on it), so do we. */
      if (prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0 && errno != EPERM && errno != EINVAL)
        return dn_make_error (err, errno, "raise ambient capability %d", cap);
    }
  return 0;
}
