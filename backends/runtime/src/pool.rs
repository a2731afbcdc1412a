//! The intra-op thread pool: runs the chunks of one step on the calling thread and the workers, for any number
//! of concurrent callers. Idle workers block on a condition variable; dropping the pool joins them.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;

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
    /// Chunks not yet finished, and the condition the caller waits on for it to reach zero.
    unfinished: Mutex<usize>,
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
        let mut unfinished = lock(&self.unfinished);
        *unfinished -= 1;
        if *unfinished == 0 {
            self.finished.notify_all();
        }
    }
}

/// Jobs with unclaimed chunks, oldest first, and whether the pool is shutting down.
#[derive(Default)]
struct Queue {
    jobs: VecDeque<Arc<Job>>,
    shutdown: bool,
}

#[derive(Default)]
struct Shared {
    queue: Mutex<Queue>,
    work: Condvar,
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
            unfinished: Mutex::new(chunks),
            finished: Condvar::new(),
        });
        lock(&self.shared.queue).jobs.push_back(Arc::clone(&job));
        for _ in 1..chunks.min(self.workers.len() + 1) {
            self.shared.work.notify_one();
        }
        while let Some(chunk) = job.claim() {
            job.run_chunk(chunk);
        }
        // Every chunk is claimed: take the job off the queue if no worker has yet.
        lock(&self.shared.queue).jobs.retain(|queued| !Arc::ptr_eq(queued, &job));
        let mut unfinished = lock(&job.unfinished);
        while *unfinished > 0 {
            unfinished = job.finished.wait(unfinished).unwrap_or_else(PoisonError::into_inner);
        }
    }
}

/// A worker: claim a chunk from the oldest job that has one, run it, repeat; sleep while there is none.
fn work(shared: &Shared) {
    loop {
        let claimed = {
            let mut queue = lock(&shared.queue);
            loop {
                if queue.shutdown {
                    return;
                }
                let mut claimed = None;
                while let Some(job) = queue.jobs.front() {
                    match job.claim() {
                        Some(chunk) => {
                            claimed = Some((Arc::clone(job), chunk));
                            break;
                        }
                        None => drop(queue.jobs.pop_front()),
                    }
                }
                match claimed {
                    Some(claimed) => break claimed,
                    None => queue = shared.work.wait(queue).unwrap_or_else(PoisonError::into_inner),
                }
            }
        };
        let (job, chunk) = claimed;
        job.run_chunk(chunk);
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        lock(&self.shared.queue).shutdown = true;
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
