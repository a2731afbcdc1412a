//! The intra-op thread pool: runs the chunks of one step on the calling thread and the workers, for any number
//! of concurrent callers. A worker that runs out of chunks, and a caller waiting for its job's last chunks,
//! poll for [`SPIN`] before blocking on a condition variable: long enough to bridge the gaps of a run (between
//! steps, and over steps too small to split) without a wake-up's latency, short enough that an idle pool stops
//! burning CPU a moment after a run ends.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long a thread polls for work (a worker) or for its job's end (a caller) before it sleeps. On a virtual
/// machine a sleeping thread's vCPU halts, and waking it can take far longer than the futex call: at 50 µs
/// two-thread medians on a 2-vCPU VM were 9-16 ms (MobileNetV2) and 81-107 ms (ResNet-50) over four alternating
/// runs of 30, at 2 ms 8.6-10.4 and 71-83 ms, with the same minima and no more CPU time per run.
const SPIN: Duration = Duration::from_millis(2);

/// Polls `ready` for up to [`SPIN`]; returns whether it became true.
fn spin_until(ready: impl Fn() -> bool) -> bool {
    let start = Instant::now();
    loop {
        for _ in 0..64 {
            if ready() {
                return true;
            }
            std::hint::spin_loop();
        }
        if start.elapsed() >= SPIN {
            return ready();
        }
    }
}

/// A task: called once with each chunk index in `0..chunks`.
type Task<'a> = dyn Fn(usize) + Sync + 'a;

/// One call of [`Pool::run`]: a task split into chunks that threads claim one at a time.
struct Job {
    /// The caller's task with its lifetime erased. Only called for claimed chunks, and `Pool::run` does not
    /// return before every claimed chunk has finished, so the pointee outlives every call.
    task: *const Task<'static>,
    chunks: usize,
    /// The next unclaimed chunk; values `>= chunks` mean all are claimed.
    next: AtomicUsize,
    /// Chunks not yet finished; the thread finishing the last one notifies `finished` under `finished_lock`,
    /// which the caller holds while it checks the count before sleeping.
    unfinished: AtomicUsize,
    finished_lock: Mutex<()>,
    finished: Condvar,
}

// SAFETY: `task` points to a `Sync` closure, valid while the job has unfinished chunks (see `Job::task`); the
// other fields are thread-safe.
unsafe impl Send for Job {}
// SAFETY: as above.
unsafe impl Sync for Job {}

impl Job {
    /// Claims the next chunk, if any is left.
    fn claim(&self) -> Option<usize> {
        let chunk = self.next.fetch_add(1, Ordering::Relaxed);
        (chunk < self.chunks).then_some(chunk)
    }

    /// Runs a claimed chunk and counts it finished.
    fn run_chunk(&self, chunk: usize) {
        // SAFETY: the chunk was claimed and is unfinished, so `Pool::run` is still waiting and the task alive.
        unsafe { (*self.task)(chunk) };
        // Release: the chunk's writes happen before the caller sees the count reach zero.
        if self.unfinished.fetch_sub(1, Ordering::AcqRel) == 1 {
            let _guard = lock(&self.finished_lock);
            self.finished.notify_all();
        }
    }

    /// Returns once every chunk has finished.
    fn wait(&self) {
        if spin_until(|| self.unfinished.load(Ordering::Acquire) == 0) {
            return;
        }
        let mut guard = lock(&self.finished_lock);
        while self.unfinished.load(Ordering::Acquire) > 0 {
            guard = self.finished.wait(guard).unwrap_or_else(PoisonError::into_inner);
        }
    }
}

/// Jobs with unclaimed chunks, oldest first; how many workers sleep on [`Shared::work`]; whether the pool is
/// shutting down.
#[derive(Default)]
struct Queue {
    jobs: VecDeque<Arc<Job>>,
    sleeping: usize,
    shutdown: bool,
}

impl Queue {
    /// Claims a chunk from the oldest job that has one, dropping the exhausted jobs in front of it.
    fn claim(&mut self) -> Option<(Arc<Job>, usize)> {
        while let Some(job) = self.jobs.front() {
            match job.claim() {
                Some(chunk) => return Some((Arc::clone(job), chunk)),
                None => drop(self.jobs.pop_front()),
            }
        }
        None
    }
}

#[derive(Default)]
struct Shared {
    queue: Mutex<Queue>,
    work: Condvar,
    /// Bumped whenever a job is queued (or the pool shuts down), so that polling workers see new work without
    /// taking the lock.
    generation: AtomicU64,
}

/// Worker threads plus the queue they take chunks from.
pub(crate) struct Pool {
    shared: Arc<Shared>,
    workers: Vec<JoinHandle<()>>,
}

/// Locks a mutex, ignoring poisoning: no code panics while holding these locks.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Pool {
    /// Starts `workers` threads.
    pub fn new(workers: usize) -> std::io::Result<Pool> {
        let mut pool = Pool { shared: Arc::default(), workers: Vec::with_capacity(workers) };
        for i in 0..workers {
            let shared = Arc::clone(&pool.shared);
            // On error, dropping `pool` joins the workers already started.
            let handle = std::thread::Builder::new().name(format!("msc-worker-{i}")).spawn(move || work(&shared))?;
            pool.workers.push(handle);
        }
        Ok(pool)
    }

    /// Calls `task(c)` exactly once for each `c` in `0..chunks`, on this thread and the workers, and returns
    /// when all calls have returned. The caller claims chunks too, so it finishes its job even when every
    /// worker is busy with other callers' jobs.
    pub fn run(&self, chunks: usize, task: &Task<'_>) {
        if chunks <= 1 || self.workers.is_empty() {
            (0..chunks).for_each(task);
            return;
        }
        // SAFETY: only the lifetime is erased; this function waits below until no chunk is running or can start.
        let task: *const Task<'static> = unsafe { std::mem::transmute::<&Task<'_>, &Task<'static>>(task) };
        let job = Arc::new(Job {
            task,
            chunks,
            next: AtomicUsize::new(0),
            unfinished: AtomicUsize::new(chunks),
            finished_lock: Mutex::new(()),
            finished: Condvar::new(),
        });
        let sleeping = {
            let mut queue = lock(&self.shared.queue);
            queue.jobs.push_back(Arc::clone(&job));
            self.shared.generation.fetch_add(1, Ordering::Release);
            queue.sleeping
        };
        // Polling workers see the new generation; only sleeping ones need a wake-up.
        for _ in 0..sleeping.min(chunks - 1) {
            self.shared.work.notify_one();
        }
        while let Some(chunk) = job.claim() {
            job.run_chunk(chunk);
        }
        // Every chunk is claimed: take the job off the queue if no worker has yet.
        lock(&self.shared.queue).jobs.retain(|queued| !Arc::ptr_eq(queued, &job));
        job.wait();
    }
}

/// A worker: claim a chunk from the oldest job that has one and run it; when there is none, poll for a new job
/// for a while, then sleep until one is queued.
fn work(shared: &Shared) {
    loop {
        let seen = shared.generation.load(Ordering::Acquire);
        let claimed = lock(&shared.queue).claim();
        if let Some((job, chunk)) = claimed {
            job.run_chunk(chunk);
            continue;
        }
        if spin_until(|| shared.generation.load(Ordering::Acquire) != seen) {
            continue;
        }
        let mut queue = lock(&shared.queue);
        loop {
            if queue.shutdown {
                return;
            }
            if let Some((job, chunk)) = queue.claim() {
                drop(queue);
                job.run_chunk(chunk);
                break;
            }
            queue.sleeping += 1;
            queue = shared.work.wait(queue).unwrap_or_else(PoisonError::into_inner);
            queue.sleeping -= 1;
        }
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        lock(&self.shared.queue).shutdown = true;
        self.shared.generation.fetch_add(1, Ordering::Release);
        self.shared.work.notify_all();
        for worker in self.workers.drain(..) {
            // A worker only ends by returning (kernels cannot unwind), so there is no panic to propagate.
            let _ = worker.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every chunk runs exactly once, for many concurrent callers, and the pool shuts down cleanly.
    #[test]
    fn chunks_run_exactly_once_under_concurrent_callers() {
        let pool = Pool::new(3).unwrap();
        std::thread::scope(|scope| {
            for caller in 0..6 {
                let pool = &pool;
                scope.spawn(move || {
                    for round in 0..200 {
                        let chunks = 1 + (caller * 7 + round) % 13;
                        let counts: Vec<AtomicUsize> = (0..chunks).map(|_| AtomicUsize::new(0)).collect();
                        pool.run(chunks, &|c| {
                            counts[c].fetch_add(1, Ordering::Relaxed);
                        });
                        assert!(counts.iter().all(|n| n.load(Ordering::Relaxed) == 1), "caller {caller} round {round}");
                    }
                });
            }
        });
    }

    /// Workers that run out of work stop polling and sleep: an idle pool burns no CPU.
    #[test]
    fn idle_workers_sleep() {
        let pool = Pool::new(2).unwrap();
        pool.run(4, &|_| {});
        let deadline = Instant::now() + Duration::from_secs(10);
        while lock(&pool.shared.queue).sleeping < 2 {
            assert!(Instant::now() < deadline, "workers still polling 10 s after the last job");
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    #[test]
    fn no_workers_runs_everything_on_the_caller() {
        let pool = Pool::new(0).unwrap();
        let caller = std::thread::current().id();
        let ran = AtomicUsize::new(0);
        pool.run(5, &|_| {
            assert_eq!(std::thread::current().id(), caller);
            ran.fetch_add(1, Ordering::Relaxed);
        });
        assert_eq!(ran.load(Ordering::Relaxed), 5);
    }
}
