// Says once, up front, which databases the integration and e2e suites will use.
module.exports = function globalSetup() {
  if (process.env.TEST_DATABASE_URL) {
    console.log(
      `\nPostgreSQL suites: running against TEST_DATABASE_URL (${redact(process.env.TEST_DATABASE_URL)})`,
    );
  } else {
    console.log('\nPostgreSQL suites skipped: TEST_DATABASE_URL is not set (SQLite suites run)');
  }
};

function redact(url) {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:[redacted]@');
}
