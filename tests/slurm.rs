//! `examples/ensemble_slurm.sh` on a real Slurm, run as its header documents: slurmctld, slurmd and munged from
//! Debian's packages (slurm-wlm and munge, installed by `scripts/install-deps.sh --test`) are started by this test on
//! this machine in a private configuration (their own ports, socket, key and state folder) and stopped after. The
//! scenario is given by a path relative to the folder sbatch runs in, as everyone types it; the array's shards and
//! the afterok merge job must give the products of one unsharded run, byte for byte.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn run(cmd: &mut Command) -> String {
    let o = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        o.status.success(),
        "{cmd:?}: {}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The daemons of a one-node cluster, stopped when dropped.
struct Cluster {
    dir: PathBuf,
    conf: PathBuf,
}

impl Cluster {
    fn start(dir: &Path) -> Cluster {
        for tool in ["munged", "mungekey", "slurmctld", "slurmd", "sbatch", "squeue", "sinfo", "scontrol"] {
            let found = Command::new("sh").args(["-c", &format!("command -v {tool}")]).output().unwrap();
            assert!(
                found.status.success(),
                "{tool} is missing: install slurm-wlm and munge (bash scripts/install-deps.sh --test does)"
            );
        }
        let d = dir.join("slurm");
        for sub in ["state", "spool", "log"] {
            std::fs::create_dir_all(d.join(sub)).unwrap();
        }
        // munge: its own key and socket.
        let key = d.join("munge.key");
        run(Command::new("mungekey").arg("-c").arg("-k").arg(&key));
        let socket = d.join("munge.socket");
        run(Command::new("munged")
            .arg("--force")
            .arg(format!("--socket={}", socket.display()))
            .arg(format!("--key-file={}", key.display()))
            .arg(format!("--pid-file={}", d.join("munged.pid").display()))
            .arg(format!("--log-file={}", d.join("log/munged.log").display()))
            .arg(format!("--seed-file={}", d.join("munged.seed").display())));
        let host = run(Command::new("hostname").arg("-s")).trim().to_string();
        let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
        let port = 20000 + (std::process::id() % 20000) as u16;
        let conf = d.join("slurm.conf");
        std::fs::write(
            &conf,
            format!(
                "ClusterName=emberfall-test\nSlurmctldHost={host}\nSlurmUser=root\nSlurmdUser=root\n\
                 AuthType=auth/munge\nAuthInfo=socket={sock}\nCredType=cred/munge\n\
                 StateSaveLocation={d}/state\nSlurmdSpoolDir={d}/spool\n\
                 SlurmctldPidFile={d}/slurmctld.pid\nSlurmdPidFile={d}/slurmd.pid\n\
                 SlurmctldLogFile={d}/log/slurmctld.log\nSlurmdLogFile={d}/log/slurmd.log\n\
                 SlurmctldPort={port}\nSlurmdPort={port2}\n\
                 ProctrackType=proctrack/linuxproc\nTaskPlugin=task/none\nSelectType=select/cons_tres\n\
                 SelectTypeParameters=CR_Core_Memory\nReturnToService=2\nMpiDefault=none\nJobCompType=jobcomp/none\n\
                 AccountingStorageType=accounting_storage/none\nSchedulerParameters=sched_interval=1\n\
                 NodeName={host} CPUs={cpus} RealMemory=4096 State=UNKNOWN\n\
                 PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP\n",
                sock = socket.display(),
                d = d.display(),
                port2 = port + 1,
            ),
        )
        .unwrap();
        let cluster = Cluster { dir: d, conf };
        run(cluster.cmd("slurmctld").arg("-f").arg(&cluster.conf));
        run(cluster.cmd("slurmd").arg("-f").arg(&cluster.conf));
        let t0 = Instant::now();
        loop {
            let state = cluster.cmd("sinfo").args(["-h", "-o", "%T"]).output().unwrap();
            if String::from_utf8_lossy(&state.stdout).trim() == "idle" {
                break;
            }
            assert!(t0.elapsed() < Duration::from_secs(60), "the node never became idle: {}", cluster.logs());
            std::thread::sleep(Duration::from_millis(500));
        }
        cluster
    }

    fn cmd(&self, program: &str) -> Command {
        let mut c = Command::new(program);
        c.env("SLURM_CONF", &self.conf).stdin(Stdio::null());
        c
    }

    fn logs(&self) -> String {
        ["log/slurmctld.log", "log/slurmd.log"]
            .iter()
            .map(|f| std::fs::read_to_string(self.dir.join(f)).unwrap_or_default())
            .collect::<Vec<_>>()
            .join("\n")
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = self.cmd("scontrol").arg("shutdown").output();
        for pid in ["slurmd.pid", "munged.pid", "slurmctld.pid"] {
            if let Ok(p) = std::fs::read_to_string(self.dir.join(pid)) {
                let _ = Command::new("kill").arg(p.trim()).output();
            }
        }
    }
}

#[test]
fn the_slurm_example_runs_as_written_and_merges_to_the_unsharded_run() {
    let d = common::tmpdir("slurm");
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_emberfall"));
    let emberfall = || {
        let mut c = Command::new(&bin);
        c.current_dir(&d).env("XDG_RUNTIME_DIR", std::env::temp_dir());
        c
    };
    // A small scenario whose paths are all relative to its folder.
    run(emberfall()
        .args(["landscape", "synth", "--fuel", "GR4", "--rows", "60", "--cols", "60", "--cell-size", "10"])
        .args(["--epsg", "32611", "--origin", "500000,4000000", "--out", "grass.tif"]));
    std::fs::write(
        d.join("fragments.csv"),
        "id,x,y,mass_kg,size_m,material,temperature_c,impact_probability\n\
         a,500300,3999700,0.02,0.01,steel,3000,0.6\nb,500150,3999850,0.02,0.01,steel,3000,0.4\n",
    )
    .unwrap();
    std::fs::write(
        d.join("scenario.toml"),
        "name = \"slurm\"\nseed = 7\n[landscape]\nlcp = \"grass.tif\"\n[weather]\nmoisture_pct = [5, 6, 8, 60, 90]\n\
         wind_speed_kmh = 10\nwind_from_deg = 250\n[debris]\nfragments = \"fragments.csv\"\n[spread]\n\
         duration = \"40min\"\nisochrone_interval = \"20min\"\ncrown_method = \"none\"\n[spotting]\nenabled = false\n\
         [output]\ndir = \"out\"\n[ensemble]\nmembers = 12\n",
    )
    .unwrap();
    let cluster = Cluster::start(&d);
    // As the example's header says: sbatch --array=0-(N-1) examples/ensemble_slurm.sh SCENARIO OUT_DIR [MEMBERS].
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/ensemble_slurm.sh");
    let path = format!("{}:{}", bin.parent().unwrap().display(), std::env::var("PATH").unwrap_or_default());
    let job = run(cluster
        .cmd("sbatch")
        .current_dir(&d)
        .env("PATH", &path)
        .env("XDG_RUNTIME_DIR", std::env::temp_dir())
        .args(["--parsable", "--array=0-2"])
        .arg(&script)
        .args(["scenario.toml", "ens"]));
    eprintln!("submitted array job {}", job.trim());
    let merged = d.join("ens/merged");
    let t0 = Instant::now();
    loop {
        let queue = run(cluster.cmd("squeue").args(["-h", "-o", "%i %j %T"]));
        if merged.join("summary.json").exists() && queue.trim().is_empty() {
            break;
        }
        assert!(
            t0.elapsed() < Duration::from_secs(600),
            "the jobs did not finish: queue `{queue}`; logs {}",
            std::fs::read_dir(&d)
                .unwrap()
                .flatten()
                .filter(|e| e.file_name().to_string_lossy().ends_with(".log"))
                .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
                .collect::<Vec<_>>()
                .join("\n")
        );
        std::thread::sleep(Duration::from_secs(1));
    }
    let merge_log: Vec<String> = std::fs::read_dir(&d)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("emberfall-merge-"))
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .collect();
    assert_eq!(merge_log.len(), 1, "one merge job");
    eprintln!("merge job log:\n{}", merge_log[0]);
    assert!(merge_log[0].contains("12 members (12 of the ensemble's 12)"), "{}", merge_log[0]);
    drop(cluster);
    // The same ensemble in one process, from the same folder, on the one CPU a shard had (the summary names the
    // backend with its threads).
    run(emberfall().env("RAYON_NUM_THREADS", "1").args([
        "ensemble",
        "scenario.toml",
        "--backend",
        "cpu",
        "--out",
        "whole",
    ]));
    let whole = d.join("whole");
    let compared = common::assert_same_products(&whole, &merged, "the Slurm-merged shards");
    assert!(compared >= 12, "{compared} files compared");
}
