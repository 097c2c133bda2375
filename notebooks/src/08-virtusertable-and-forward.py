from mailkit.course import code, end, md, q, quiz, start

CELLS = [
    md(ko="""
    # 08. local-host-names, virtusertable, .forward

    이 장의 세 파일은 “이 메일을 받을까, 받으면 누구에게 줄까”를 정합니다.

    | 파일 | 하는 일 | 적용 방법 |
    | --- | --- | --- |
    | `/etc/mail/local-host-names` | 이 서버가 메일을 받을 도메인·호스트 이름 목록(한 줄에 하나) | sendmail 재시작 |
    | `/etc/mail/virtusertable` | 가상 메일 주소를 실제 계정(또는 다른 주소)으로 연결 | `makemap hash ... < ...` |
    | `~/.forward` | 사용자가 자기 메일을 다른 주소로 넘김(한 줄에 한 주소) | 바로 적용 |
    """, en="""
    # 08. local-host-names, virtusertable, .forward

    The three files of this chapter decide "do we take this mail, and whom does it go to".

    | File | Job | Applied by |
    | --- | --- | --- |
    | `/etc/mail/local-host-names` | domain and host names this server receives mail for (one a line) | restarting sendmail |
    | `/etc/mail/virtusertable` | maps virtual addresses to real accounts (or other addresses) | `makemap hash ... < ...` |
    | `~/.forward` | a user passes their own mail on to other addresses (one a line) | at once |
    """),
    start(),
    md(ko="""
    ## local-host-names: 받을 도메인
    sendmail.cf의 `Fw/etc/mail/local-host-names`가 이 파일을 읽게 합니다. 지금은 비어 있어서
    `youngjin-mail.com` 앞으로 온 메일은 남의 도메인으로 보고 거절합니다(다른 컴퓨터 127.0.0.2에서 보냄).
    """, en="""
    ## local-host-names: domains we receive for
    `Fw/etc/mail/local-host-names` in sendmail.cf makes sendmail read this file. It is empty now, so
    mail for `youngjin-mail.com` is taken as someone else's domain and refused (sent from another
    computer, 127.0.0.2).
    """),
    code("""
    %grep ^Fw /etc/mail/sendmail.cf
    smtp_send("alice@youngjin-mail.com", subject="new domain", client="127.0.0.2")
    """, "seed:F06", "seed:O02"),
    code("""
    %%host
    echo "youngjin-mail.com" >> /etc/mail/local-host-names
    echo "example.com" >> /etc/mail/local-host-names
    """, "seed:F06", "seed:O02"),
    code('smtp_send("alice@youngjin-mail.com", subject="new domain", client="127.0.0.2")', "seed:F06"),
    md(ko="""
    파일만 고쳐서는 아직 거절됩니다. local-host-names는 sendmail이 **시작할 때** 읽습니다.
    """, en="""
    Still refused: local-host-names is read when sendmail **starts**.
    """),
    code("""
    %systemctl restart sendmail
    smtp_send("alice@youngjin-mail.com", subject="new domain", client="127.0.0.2")
    """, "seed:F06", "seed:O02"),
    code("%mail -H -u alice", "seed:F06"),
    md(ko="""
    ## virtusertable: 가상 주소를 계정으로
    한 서버가 여러 도메인을 받을 때, 같은 이름이라도 도메인마다 다른 사람에게 보내고 싶을 수 있습니다.
    `info@example.com`은 carol에게, `example.com`의 나머지 주소(`@example.com`, catch-all)는 bob에게
    보냅니다. sendmail.cf의 `Kvirtuser` 줄이 이 맵(`virtusertable.db`)을 선언합니다.
    """, en="""
    ## virtusertable: virtual addresses to accounts
    A server receiving for several domains may want the same name to go to different people per
    domain. Send `info@example.com` to carol, and every other address of `example.com`
    (`@example.com`, a catch-all) to bob. The `Kvirtuser` line of sendmail.cf declares this map
    (`virtusertable.db`).
    """),
    code("""
    %grep ^Kvirtuser /etc/mail/sendmail.cf
    """, "seed:O07"),
    code("""
    %%host
    echo "info@example.com	carol" >> /etc/mail/virtusertable
    echo "@example.com		bob" >> /etc/mail/virtusertable
    makemap hash /etc/mail/virtusertable < /etc/mail/virtusertable
    grep -v '^#' /etc/mail/virtusertable
    """, "seed:F05", "seed:O07"),
    code('smtp_send(["info@example.com", "sales@example.com"], subject="virtual")',
         "seed:F05", "seed:O07"),
    code("""
    %%host
    mail -H -u carol
    mail -H -u bob
    """, "seed:F05"),
    md(ko="""
    `info@`는 carol에게, `sales@`는 목록에 없으므로 catch-all(`@example.com`)을 따라 bob에게 갔습니다. virtusertable도 .db를 읽으므로, 고친 뒤 makemap을 빠뜨리면 바뀌지 않습니다.

    ## ~/.forward: 내 메일을 다른 곳으로
    사용자가 자기 홈 디렉터리에 `.forward` 파일을 만들고 받을 주소를 한 줄에 하나씩 적으면, 그 사용자에게
    온 메일이 그 주소로 갑니다. bob이 휴가 동안 carol에게 넘겨 봅시다.
    """, en="""
    `info@` went to carol; `sales@` is not listed, so the catch-all (`@example.com`) took it to bob. virtusertable is read from its .db too: forget makemap and nothing changes.

    ## ~/.forward: my mail, somewhere else
    A user writes `.forward` in their home directory, one address a line, and their mail goes to
    those addresses. Let bob pass his mail to carol while on holiday.
    """),
    code("""
    %%host
    echo "carol@localhost" > /home/bob/.forward
    echo "Are you in?" | mail -s "for bob" bob
    mail -H -u carol
    """, "seed:F07"),
    md(ko="""
    자기 메일함에도 남기고 싶으면 `\\bob`(역슬래시 = 더 이상 전달하지 말고 여기 배달)을 한 줄 더 적습니다.

    ## O ForwardPath: .forward를 어디서 찾을까
    sendmail.cf의 `O ForwardPath`가 .forward 파일을 찾는 경로입니다(`$z`는 홈 디렉터리).
    `$z/.mailforward`로 바꾸면 `.forward`는 무시되고 `.mailforward`를 따릅니다.
    """, en="""
    To keep a copy too, add a line `\\bob` (the backslash means: deliver here, do not forward again).

    ## O ForwardPath: where .forward is looked for
    `O ForwardPath` in sendmail.cf is the search path for forward files (`$z` is the home directory).
    Change it to `$z/.mailforward` and `.forward` is ignored, `.mailforward` is followed.
    """),
    code("""
    edit("/etc/mail/sendmail.cf", "O ForwardPath=$z/.forward.$w:$z/.forward", "O ForwardPath=$z/.mailforward")
    %systemctl restart sendmail
    %host echo "alice@localhost" > /home/bob/.mailforward
    %host echo "where now?" | mail -s "after ForwardPath" bob
    """, "seed:O11"),
    code("""
    %%host
    grep -c 'after ForwardPath' /var/spool/mail/alice
    grep -c 'after ForwardPath' /var/spool/mail/carol
    """, "seed:O11"),
    md(ko="""
    새 경로의 `.mailforward`를 따라 alice에게 갔고, 예전 `.forward`의 carol에게는 가지 않았습니다(0).

    ## 위젯으로 고치기
    ConfigEditor의 **virtusertable**, **local-host-names**, **.forward** 탭에서 파일을 고치고 Apply를 누르면
    알맞은 명령(makemap, systemctl restart)까지 실행합니다.
    """, en="""
    It followed the new path's `.mailforward` to alice, and no longer the old `.forward` to carol (0).

    ## Edit them in the widget
    ConfigEditor's **virtusertable**, **local-host-names** and **.forward** tabs edit these files;
    Apply also runs the right command (makemap, systemctl restart).
    """),
    code("""
    editor = ConfigEditor(lang=LANG, user="bob")
    editor.editors["/etc/mail/virtusertable"].value += "jobs@youngjin-mail.com\\talice\\n"
    editor.apply_file("/etc/mail/virtusertable")
    print(editor.command_log.text)
    editor
    """, "seed:F05"),
    code("""
    smtp_send("jobs@youngjin-mail.com", subject="CV")
    %mail -H -u alice
    """, "seed:F05"),
    quiz(
        q(("가상 메일 주소를 실제 계정으로 연결하는 파일은?", ["/etc/mail/virtusertable", "/etc/mail/access", "/etc/aliases", "/etc/mail/local-host-names"], ""),
          ("Which file maps virtual mail addresses to real accounts?", ["/etc/mail/virtusertable", "/etc/mail/access", "/etc/aliases", "/etc/mail/local-host-names"], ""), 0),
        q(("/etc/mail/local-host-names에 도메인을 추가한 뒤 할 일은?", ["sendmail 재시작", "makemap 실행", "newaliases 실행", "아무것도 안 해도 됨"],
           "local-host-names는 sendmail이 시작할 때 읽습니다: systemctl restart sendmail"),
          ("After adding a domain to /etc/mail/local-host-names, you...", ["restart sendmail", "run makemap", "run newaliases", "need do nothing"],
           "It is read when sendmail starts: systemctl restart sendmail"), 0),
        q(("virtusertable을 고친 뒤 적용하는 명령은?", ["makemap hash /etc/mail/virtusertable < /etc/mail/virtusertable",
                                                  "newaliases", "m4 virtusertable", "systemctl enable virtusertable"], ""),
          ("After editing virtusertable, which command applies it?", ["makemap hash /etc/mail/virtusertable < /etc/mail/virtusertable",
                                                                      "newaliases", "m4 virtusertable", "systemctl enable virtusertable"], ""), 0),
        q(("사용자가 자기에게 온 메일을 다른 주소로 보내려고 만드는 파일은?", ["~/.forward", "~/.procmailrc", "/etc/aliases", "~/.mailrc"],
           "~/.forward에 받을 주소를 한 줄에 하나씩 적습니다."),
          ("Which file does a user create to forward their mail elsewhere?", ["~/.forward", "~/.procmailrc", "/etc/aliases", "~/.mailrc"],
           "~/.forward, one address a line."), 0),
        q(("sendmail.cf에서 .forward 파일을 찾는 경로를 정하는 항목은?", ["O ForwardPath", "O AliasFile", "Kvirtuser", "Fw"], ""),
          ("Which sendmail.cf item sets where .forward files are looked for?", ["O ForwardPath", "O AliasFile", "Kvirtuser", "Fw"], ""), 0),
    ),
    end(),
]
