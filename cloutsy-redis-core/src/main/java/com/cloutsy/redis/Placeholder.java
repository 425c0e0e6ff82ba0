package com.cloutsy.redis; class Placeholder {}
