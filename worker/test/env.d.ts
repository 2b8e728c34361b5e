/// <reference types="vite/client" />
type WorkerEnv = import("../src/env").Env;
declare namespace Cloudflare {
  interface Env extends WorkerEnv {
    TEST_MIGRATIONS: import("@cloudflare/vitest-pool-workers").D1Migration[];
  }
}
