#!/usr/bin/env node
// The installed `medcoder` command. npm links a package's bin when it installs, before the build has written
// dist/, and leaves out a link whose file is missing: this file is in the repository, so the link is made.
import '../dist/main.js';
