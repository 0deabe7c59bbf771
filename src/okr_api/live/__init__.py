"""The live event feed: a tailer per process, fan-out to subscribers, resumable streams."""
