/* The I/O page-fault pipeline: shared/peers/REFERENCE-MODELS.md (c), one d_step per step, every
 * variable global, so that SPIN -DNOREDUCE stores exactly the model's states
 * (test/models/iopf-pipeline.ts). Group (d, k) is flattened to index d*G+k. `inhwq` and `live` count
 * a device's requests in hwq and its QUEUED or HANDLING groups: functions of the state, kept so the
 * Flush guard needs no scan, and adding no state. The IRQ thread reads the request it pops into
 * scratch variables it resets in the same step.
 * Run: spin -a -DD=2 -DF=2 -DQ=2 -DW=2 -DG=1 iopf.pml */
#ifndef D
#define D 2
#endif
#ifndef F
#define F 2
#endif
#ifndef Q
#define Q 2
#endif
#ifndef W
#define W 2
#endif
#ifndef G
#define G 1
#endif

#define ACTIVE 0
#define STOPPED 1
#define FLUSHED 2
#define FREED 3
#define NONE 0
#define QUEUED 1
#define HANDLING 2
#define GFREED 3
#define IDLE 0
#define BUSY 1
#define RESPONDED 2

chan hwq = [Q] of { byte, bit };
chan wq = [D * G] of { byte, byte, byte };
byte dstate[D];
byte issued[D];
byte ngrp[D];
byte partial[D];
byte formed[D];
byte gstate[D * G];
byte resp[D * G];
byte wpc[W];
byte wdev[W];
byte wgrp[W];
byte wleft[W];
byte inhwq[D];
byte live[D];
byte td;
bit tlast;

/* _pid: devices 0..D-1, the IRQ thread D, workers D+1..D+W, unbinds D+W+1..2D+W. */
active [D] proctype device()
{
end:
  do
  :: d_step { dstate[_pid] == ACTIVE && ngrp[_pid] < G && issued[_pid] < F - 1 && nfull(hwq) ->
       hwq!_pid, 0; inhwq[_pid]++; issued[_pid]++ }
  :: d_step { dstate[_pid] == ACTIVE && ngrp[_pid] < G && nfull(hwq) ->
       hwq!_pid, 1; inhwq[_pid]++; issued[_pid] = 0; ngrp[_pid]++ }
  od
}

active proctype irq()
{
end:
  do
  :: d_step { nempty(hwq) ->
       hwq?td, tlast; inhwq[td]--;
       if
       :: tlast == 0 -> partial[td]++
       :: else ->
            wq!td, formed[td], partial[td] + 1;
            gstate[td * G + formed[td]] = QUEUED; live[td]++;
            formed[td]++; partial[td] = 0
       fi;
       td = 0; tlast = 0 }
  od
}

#define me (_pid - D - 1)
active [W] proctype worker()
{
end:
  do
  :: d_step { wpc[me] == IDLE && nempty(wq) ->
       wq?wdev[me], wgrp[me], wleft[me]; gstate[wdev[me] * G + wgrp[me]] = HANDLING; wpc[me] = BUSY }
  :: d_step { wpc[me] == BUSY && wleft[me] > 0 -> wleft[me]-- }
  :: d_step { wpc[me] == BUSY && wleft[me] == 0 -> resp[wdev[me] * G + wgrp[me]]++; wpc[me] = RESPONDED }
  :: d_step { wpc[me] == RESPONDED ->
       gstate[wdev[me] * G + wgrp[me]] = GFREED; live[wdev[me]]--; wdev[me] = 0; wgrp[me] = 0; wpc[me] = IDLE }
  od
}

#define dv (_pid - D - W - 1)
active [D] proctype unbind()
{
end:
  do
  :: d_step { dstate[dv] == ACTIVE && issued[dv] == 0 -> dstate[dv] = STOPPED }
  :: d_step { dstate[dv] == STOPPED && partial[dv] == 0 && inhwq[dv] == 0 && live[dv] == 0 -> dstate[dv] = FLUSHED }
  :: d_step { dstate[dv] == FLUSHED -> dstate[dv] = FREED }
  od
}
