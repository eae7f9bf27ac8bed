"""regwatch.toml's notifier sections: the README example parses, and every mistake fails at load
time with one line that names the key and what is allowed."""

from __future__ import annotations

import tomllib

import pytest

from notifier.channels import Channel, build_channel
from notifier.routes import parse_notifier_config
from options import ConfigError, expand_env, read_toml
from storage.routing import DEFAULT_ROUTES

# Keep in step with the README section "Alerts: routes and channels".
README_EXAMPLE = """
[notify]
max_attempts = 8              # then the row is dead and an outbox.dead alert goes to ops routes
backoff_base_seconds = 30     # 30 s, 60 s, 120 s … with jitter
backoff_max_seconds = 3600
lease_seconds = 120           # a crashed worker's rows are retried after this
batch_size = 50

[channels.compliance-mail]
kind = "email"
host = "smtp.example.com"
port = 587
security = "starttls"         # starttls | ssl | none
username = "${SMTP_USER}"
password = "${SMTP_PASSWORD}"
from = "regwatch@example.com"
to = ["compliance@example.com", "legal@example.com"]

[channels.team-slack]
kind = "slack"
webhook_url = "${SLACK_WEBHOOK_URL}"

[channels.erp-hook]
kind = "webhook"
url = "https://erp.example.com/hooks/regwatch"
secret = "${REGWATCH_HOOK_SECRET}"
timeout = 5

[channels.dingtalk]
kind = "dingtalk"
webhook_url = "${DINGTALK_WEBHOOK_URL}"   # https://oapi.dingtalk.com/robot/send?access_token=…
secret = "${DINGTALK_SECRET}"             # 加签 secret, SEC…

[channels.wecom]
kind = "wecom"
webhook_url = "${WECOM_WEBHOOK_URL}"      # https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…

[channels.feishu]
kind = "feishu"
webhook_url = "${FEISHU_WEBHOOK_URL}"     # https://open.feishu.cn/open-apis/bot/v2/hook/…
secret = "${FEISHU_SECRET}"
msg_type = "interactive"                  # interactive | post | text

[channels.teams]
kind = "apprise"
url = "${APPRISE_URL}"                    # any Apprise URL
dry_run = true                            # log instead of sending while trying things out

[routes.compliance]
channels = ["compliance-mail", "team-slack", "erp-hook"]
categories = ["whitelist", "criteria", "inspection", "penalty"]
authorities = ["MIIT", "SAMR"]
mode = "immediate"

[routes.recyclers-cn]
channels = ["dingtalk", "wecom", "feishu"]
categories = ["whitelist"]
kinds = ["list.*"]
keywords = ["梯次利用", "再生利用"]
mode = "digest"
digest_at = "09:00"                       # Asia/Shanghai

[routes.ops]
channels = ["team-slack", "teams"]
ops = true                                # source.health and outbox.dead only
"""

ENV = {"SMTP_USER": "mailer", "SMTP_PASSWORD": "mail-pass-9", "SLACK_WEBHOOK_URL": "https://hooks.slack.com/services/T0/B0/xyzsecret",
       "REGWATCH_HOOK_SECRET": "hook-secret-1", "DINGTALK_WEBHOOK_URL":
       "https://oapi.dingtalk.com/robot/send?access_token=tok123456", "DINGTALK_SECRET": "SECabcdef",
       "WECOM_WEBHOOK_URL": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=wecomkey99",
       "FEISHU_WEBHOOK_URL": "https://open.feishu.cn/open-apis/bot/v2/hook/feishuhook77", "FEISHU_SECRET": "fsecret55",
       "APPRISE_URL": "msteams://team/tokenA/tokenB/tokenC"}


def readme_config():
    return parse_notifier_config(expand_env(tomllib.loads(README_EXAMPLE), ENV))


def test_readme_example_parses():
    config = readme_config()
    assert config.notify.max_attempts == 8 and config.notify.lease_seconds == 120
    assert {n: c.kind for n, c in config.channels.items()} == {
        "log": "log", "compliance-mail": "email", "team-slack": "slack", "erp-hook": "webhook",
        "dingtalk": "dingtalk", "wecom": "wecom", "feishu": "feishu", "teams": "apprise"}
    routes = {r.name: r for r in config.route_filters()}
    assert set(routes) == {"compliance", "recyclers-cn", "ops"}
    assert routes["recyclers-cn"].mode == "digest" and routes["recyclers-cn"].digest_at == "09:00"
    assert routes["ops"].ops and routes["ops"].categories == ()
    assert config.channels["compliance-mail"].settings["password"] == "mail-pass-9"
    assert config.channels["teams"].dry_run
    assert config.digest_routes() == {"recyclers-cn"}


def test_routes_send_content_to_content_routes_and_health_to_ops():
    routes = {r.name: r for r in readme_config().route_filters()}
    proposal = {"kind": "list.proposed", "category": "whitelist", "authority": "MIIT",
                "summary": "拟公告企业名单（梯次利用）", "details": {}}
    health = {"kind": "source.health", "summary": "blocked"}
    assert routes["compliance"].matches(proposal) and routes["recyclers-cn"].matches(proposal)
    assert not routes["ops"].matches(proposal)
    assert routes["ops"].matches(health) and not routes["compliance"].matches(health)
    # keywords match whole jieba words: 电池 does not fire inside 蓄电池
    battery = parse_notifier_config({"routes": {"r": {"channels": ["log"], "keywords": ["电池"]}}}).route("r")
    assert not battery.matches({**proposal, "summary": "铅蓄电池行业规范条件", "title": ""})
    assert battery.matches({**proposal, "summary": "废旧 电池 回收", "title": ""})


def test_no_routes_means_the_default_routes_to_the_log_channel():
    config = parse_notifier_config({"crawl": {"anything": 1}})
    assert tuple(config.route_filters()) == DEFAULT_ROUTES
    assert config.channel("log").kind == "log"


def test_a_route_set_without_ops_gets_an_ops_route_to_the_log():
    config = parse_notifier_config({"routes": {"c": {"channels": ["log"]}}})
    ops = [r for r in config.route_filters() if r.ops]
    assert [(r.name, r.channels) for r in ops] == [("ops", ("log",))]


BAD = [
    ({"routes": {"c": {"chanels": ["log"]}}},
     "routes.c: unknown key 'chanels'; allowed keys: authorities, categories"),
    ({"channels": {"s": {"kind": "slack", "webhook_url": "https://h.example/x", "colour": "red"}}},
     "channels.s: unknown key 'colour'; allowed keys: bundle_limit, dry_run, kind, timeout, webhook_url"),
    ({"notify": {"max_attempt": 3}}, "notify: unknown key 'max_attempt'; allowed keys: backoff_base_seconds"),
    ({"channels": {"x": {"kind": "pager"}}},
     "channels.x.kind: 'pager' is not a channel kind; kinds: apprise, "
                                              "dingtalk, email, feishu, log, slack, webhook, wecom"),
    ({"routes": {"c": {"channels": ["nowhere"]}}},
     "routes.c.channels: 'nowhere' is not a defined channel; channels: log"),
    ({"routes": {"c": {"channels": ["log"], "mode": "weekly"}}},
     "routes.c.mode: 'weekly' is not one of: immediate, digest"),
    ({"routes": {"c": {"channels": ["log"], "mode": "digest", "digest_at": "9:00"}}},
     "routes.c.digest_at: expected HH:MM"),
    ({"routes": {"c": {"channels": ["log"], "mode": "digest", "digest_at": "24:00"}}},
     "routes.c.digest_at: expected HH:MM"),
    ({"routes": {"c": {"channels": ["log"], "mode": "digest"}}},
     "routes.c.digest_at: required when mode = \"digest\""),
    ({"routes": {"c": {"channels": ["log"], "digest_at": "09:00"}}},
     "routes.c.digest_at: only used with mode"),
    ({"routes": {"c": {"channels": ["log"], "categories": ["whitelists"]}}},
     "routes.c.categories: 'whitelists' is not one of: whitelist, criteria, inspection, penalty, related, irrelevant"),
    ({"routes": {"c": {"channels": ["log"], "authorities": ["miit"]}}},
     "routes.c.authorities: 'miit' is not one of: MIIT, SAMR"),
    ({"routes": {"c": {"channels": ["log"], "kinds": ["lists.*"]}}},
     "routes.c.kinds: 'lists.*' matches no change kind"),
    ({"routes": {"c": {}}}, "routes.c: missing required key 'channels'"),
    ({"channels": {"s": {"kind": "slack"}}}, "channels.s: missing required key 'webhook_url'"),
    ({"channels": {"s": {"kind": "slack", "webhook_url": "ftp://h/x"}}},
     "channels.s.webhook_url: expected an http:// or https:// URL"),
    ({"channels": {"m": {"kind": "email", "host": "h", "from": "a@b.c", "to": "x@y.z", "username": "u"}}},
     "channels.m: 'username' is set, so 'password' is required"),
    ({"channels": {"m": {"kind": "email", "host": "h", "from": "a@b.c", "to": ["x@y.z"], "security": "tls"}}},
     "channels.m.security: 'tls' is not one of: starttls, ssl, none"),
    ({"notify": {"max_attempts": "8"}}, "notify.max_attempts: expected an integer"),
    ({"notify": {"max_attempts": 0}}, "notify.max_attempts: must be at least 1"),
    ({"channels": {"l": {"kind": "log", "dry_run": "yes"}}}, "channels.l.dry_run: expected true or false"),
    ({"notify": {"backoff_base_seconds": 60, "backoff_max_seconds": 10}},
     "notify.backoff_max_seconds: must be at least"),
    ({"routes": ["c"]}, "routes: expected a table"),
]


@pytest.mark.parametrize(("cfg", "message"), BAD, ids=[m.split(":")[0] + ":" + m.split()[1] for _, m in BAD])
def test_config_mistakes_fail_with_one_clear_line(cfg, message):
    with pytest.raises(ConfigError) as caught:
        parse_notifier_config(cfg)
    text = str(caught.value)
    assert text.startswith(message), text
    assert "\n" not in text


def test_config_error_is_a_value_error():
    assert issubclass(ConfigError, ValueError)


def test_env_expansion_and_a_missing_variable(tmp_path):
    assert expand_env({"a": ["x-${A}-y"], "b": 3}, {"A": "1"}) == {"a": ["x-1-y"], "b": 3}
    with pytest.raises(ConfigError, match=r"channels.s.webhook_url: environment variable SLACK_URL is not set"):
        expand_env({"channels": {"s": {"webhook_url": "${SLACK_URL}"}}}, {})
    path = tmp_path / "regwatch.toml"
    path.write_text('[channels.s]\nkind = "slack"\nwebhook_url = "${HOOK}"\n', encoding="utf-8")
    assert read_toml(path, {"HOOK": "https://h.example/x"})["channels"]["s"]["webhook_url"] == "https://h.example/x"
    path.write_text("[channels\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        read_toml(path, {})


def test_registry_lists_every_channel_kind_with_help():
    assert set(Channel.registry) == {"email", "slack", "webhook", "dingtalk", "wecom", "feishu", "apprise", "log"}
    for kind, cls in Channel.registry.items():
        assert cls.kind == kind and len(cls.help()) > 40, kind
        for key, option in cls.all_options().items():
            assert option.help, f"{kind}.{key} has no help text"


def test_a_kind_without_a_docstring_cannot_register():
    with pytest.raises(TypeError, match="needs a docstring"):
        class Nameless(Channel, kind="nameless"):
            pass
    assert "nameless" not in Channel.registry


def test_secrets_never_appear_in_repr():
    config = readme_config()
    shown = " ".join(repr(c) for c in config.channels.values())
    for secret in ("mail-pass-9", "xyzsecret", "hook-secret-1", "tok123456", "SECabcdef", "wecomkey99",
                   "feishuhook77", "fsecret55", "tokenA", "/hooks/regwatch"):
        assert secret not in shown, secret
    assert "https://hooks.slack.com/***" in shown and "msteams://***" in shown


def test_secrets_are_scrubbed_from_errors():
    channel = build_channel("d", {"kind": "dingtalk", "webhook_url": ENV["DINGTALK_WEBHOOK_URL"],
                                  "secret": "SECabcdef"})
    scrubbed = channel.redact(f"failed posting to {ENV['DINGTALK_WEBHOOK_URL']} (token tok123456, secret SECabcdef)")
    assert "tok123456" not in scrubbed and "SECabcdef" not in scrubbed and "***" in scrubbed
