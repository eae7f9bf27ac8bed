"""Each channel's size limits, with where they are documented. Messages are fitted under these
by showing fewer whole table rows (notifier/render), never by splitting an announcement.
"""

# Gmail clips a message whose HTML is larger than about 102 KB ("[Message clipped] View entire
# message"); other webmail clients behave alike. Stay under 100 KB of HTML.
EMAIL_HTML_BYTES = 100_000

# Slack Block Kit (docs.slack.dev, reference/block-kit/blocks): at most 50 blocks per message;
# a section block's text at most 3,000 characters; a header's plain text at most 150.
SLACK_BLOCKS = 50
SLACK_SECTION_CHARS = 3000
SLACK_HEADER_CHARS = 150

# DingTalk custom robot (open.dingtalk.com, 自定义机器人发送群消息): a request body over 20,000 bytes
# is refused with errcode 460101 "message too long, exceed 20000 bytes"
# ("body 大小不合法，请保持大小在 20000bytes 以内"). The markdown gets the body less its envelope.
DINGTALK_BODY_BYTES = 20_000
DINGTALK_MARKDOWN_BYTES = DINGTALK_BODY_BYTES - 1_000

# WeCom group robot (developer.work.weixin.qq.com/document/path/91770, 群机器人配置说明):
# markdown.content 最长不超过4096个字节, UTF-8; longer is refused with errcode 40058.
WECOM_MARKDOWN_BYTES = 4096

# Feishu custom bot (open.feishu.cn/document/client-docs/bot-v3/add-custom-bot, 自定义机器人使用指南):
# 请求体大小不能超过20K; larger requests are refused with code 9499 "Bad Request".
FEISHU_BODY_BYTES = 20_000
FEISHU_MARKDOWN_BYTES = FEISHU_BODY_BYTES - 1_500
