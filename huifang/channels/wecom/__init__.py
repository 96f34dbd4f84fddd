"""WeChat Work (企业微信) group robot webhook."""
