package com.cloutsy.redis.embedded; class Placeholder {}
