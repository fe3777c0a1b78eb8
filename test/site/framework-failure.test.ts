/**
 * Issue 23, case 14: a build on a full disk printed Framework's "Unexpected error ... please file an issue".
 * Framework's error output is read: a full disk or a read-only folder is one line. The text below is the shape
 * Framework 1.13's bin/observable.js writes (console.error of "Unexpected error:" + the message, a tip, and the
 * bug-report lines), with a Node ENOSPC message.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { frameworkFailure } from "../../loaders/site/framework-failure.ts";

const frameworkOutput = (message: string) =>
  `\n\u001b[31mUnexpected error:\u001b[39m ${message}\n\nTip: To see the full stack trace, run with the --debug flag.\n\n` +
  `If you think this is a bug, please file an issue at\n\u21b3 https://github.com/observablehq/framework/issues\n\n`;

describe("Framework's failures on the file system (issue 23, case 14)", () => {
  it("a full disk is one line naming the file Framework could not write", () => {
    assert.equal(
      frameworkFailure(
        frameworkOutput("ENOSPC: no space left on device, write '/out/.segment-tmp-1-x/_observablehq/stdlib.js'"),
      ),
      "the site build stopped: no space left on the device (ENOSPC) writing /out/.segment-tmp-1-x/_observablehq/stdlib.js; free some space and build again",
    );
    assert.equal(
      frameworkFailure(frameworkOutput("ENOSPC: no space left on device, write")),
      "the site build stopped: no space left on the device (ENOSPC); free some space and build again",
    );
  });

  it("a read-only or forbidden folder says to build elsewhere", () => {
    assert.match(
      frameworkFailure(frameworkOutput("EROFS: read-only file system, mkdir '/mnt/site/.segment-tmp-2-y'")) ?? "",
      /^the site build stopped: the file system is read-only \(EROFS\) writing \/mnt\/site\/\.segment-tmp-2-y; build into a folder you can write/,
    );
  });

  it("any other failure is left to Framework's own messages", () => {
    assert.equal(frameworkFailure(frameworkOutput("Cannot find module 'd3-foo'")), null);
    assert.equal(frameworkFailure(""), null);
  });
});
