"""SMS through Alibaba Cloud SMS (dysmsapi, RPC style, signature version 1.0)."""
