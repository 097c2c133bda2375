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
        q(("/etc/mail/local-host-names를 고친 뒤 적용하는 방법은?", ["makemap hash /etc/mail/local-host-names < /etc/mail/local-host-names",
                                                              "newaliases", "systemctl restart sendmail", "아무것도 하지 않아도 바로 적용된다"],
           "local-host-names는 sendmail이 시작할 때(Fw) 읽습니다. 그래서 다시 시작합니다.",
           ["local-host-names는 .db로 만드는 맵이 아닙니다. 텍스트 그대로 읽습니다.", "newaliases는 별칭용입니다.",
            "정답: 다시 시작합니다.", "실행 중인 sendmail은 파일을 다시 읽지 않습니다."]),
          ("How is a change to /etc/mail/local-host-names applied?", ["makemap hash /etc/mail/local-host-names < /etc/mail/local-host-names",
                                                                       "newaliases", "systemctl restart sendmail", "nothing: it applies at once"],
           "local-host-names is read when sendmail starts (Fw), so restart it.",
           ["local-host-names is no .db map; it is read as text.", "newaliases is for aliases.",
            "Right: restart.", "A running sendmail does not reread the file."]), 2),
        q(("virtusertable을 고친 뒤 적용하는 명령을 쓰세요.", [],
           "makemap hash /etc/mail/virtusertable < /etc/mail/virtusertable. sendmail은 virtusertable.db를 읽습니다."),
          ("Write the command that applies a change to virtusertable.", [],
           "makemap hash /etc/mail/virtusertable < /etc/mail/virtusertable; sendmail reads virtusertable.db."),
         ["makemap hash /etc/mail/virtusertable < /etc/mail/virtusertable"]),
        q(("사용자가 자기에게 온 메일을 다른 주소로 보내려고 만드는 파일은?", ["~/.procmailrc", "/etc/aliases", "~/.mailrc", "~/.forward"],
           "~/.forward에 받을 주소를 한 줄에 하나씩 적습니다. 관리자 권한도 명령도 필요 없습니다.",
           [".procmailrc는 procmail의 분류 규칙입니다.", "/etc/aliases는 관리자가 고치는 시스템 전체의 별칭입니다.",
            ".mailrc는 mail 명령의 설정 파일입니다.", "정답: ~/.forward."]),
          ("Which file does a user create to forward their mail elsewhere?", ["~/.procmailrc", "/etc/aliases", "~/.mailrc", "~/.forward"],
           "~/.forward, one address a line; no administrator and no command needed.",
           [".procmailrc holds procmail's sorting rules.", "/etc/aliases is the system-wide file the administrator edits.",
            ".mailrc configures the mail command.", "Right: ~/.forward."]), 3),
        q(("sendmail.cf에서 .forward 파일을 찾는 경로를 정하는 항목은?", ["O AliasFile", "O ForwardPath", "Kvirtuser", "Fw"],
           "기본값은 O ForwardPath=$z/.forward.$w:$z/.forward 입니다($z: 홈 디렉터리).",
           ["AliasFile은 별칭 파일입니다.", "정답: O ForwardPath.", "Kvirtuser는 virtusertable 맵 선언입니다.",
            "Fw는 받을 호스트 이름 목록 파일입니다."]),
          ("Which sendmail.cf item sets where .forward files are looked for?", ["O AliasFile", "O ForwardPath", "Kvirtuser", "Fw"],
           "The default is O ForwardPath=$z/.forward.$w:$z/.forward ($z: the home directory).",
           ["AliasFile is the alias file.", "Right: O ForwardPath.", "Kvirtuser declares the virtusertable map.",
            "Fw is the file of names to receive for."]), 1),
        q(("다음 virtusertable(makemap 완료)에서 sales@example.com으로 온 메일을 받는 사람은?\ninfo@example.com     carol\n@example.com         bob",
           ["bob", "carol", "sales라는 계정", "아무도 받지 않고 거절된다"],
           "목록에 없는 주소는 catch-all 항목 @example.com을 따릅니다.",
           ["정답: @example.com(catch-all)이 bob에게 보냅니다.", "carol은 info@example.com만 받습니다.",
            "virtusertable에 있는 도메인이라 그 항목을 따릅니다. 계정 이름 sales를 찾지 않습니다.",
            "catch-all이 있으니 거절되지 않습니다."]),
          ("With this virtusertable (makemap done), who receives mail for sales@example.com?\ninfo@example.com     carol\n@example.com         bob",
           ["bob", "carol", "an account called sales", "no one: it is refused"],
           "An address not listed follows the catch-all entry @example.com.",
           ["Right: the catch-all @example.com sends it to bob.", "carol gets only info@example.com.",
            "The domain's entries are followed; no account sales is looked up.", "With a catch-all nothing is refused."]), 0),
        q(("virtusertable 맵을 선언하는 sendmail.cf 항목은?", ["Kaccess", "Fw", "Kvirtuser", "O AliasFile"],
           "Kvirtuser hash -o /etc/mail/virtusertable.db 줄입니다. .mc의 FEATURE(`virtusertable')이 만듭니다.",
           ["Kaccess는 access 맵입니다.", "Fw는 받을 이름 목록 파일입니다.", "정답.", "별칭 파일입니다."]),
          ("Which sendmail.cf item declares the virtusertable map?", ["Kaccess", "Fw", "Kvirtuser", "O AliasFile"],
           "The line Kvirtuser hash -o /etc/mail/virtusertable.db, made by the .mc's FEATURE(`virtusertable').",
           ["Kaccess is the access map.", "Fw is the file of names to receive for.", "Right.", "The alias file."]), 2),
        q(("bob이 자기 메일을 carol에게 넘기면서 자기 메일함에도 한 통씩 남기려고 합니다. ~bob/.forward로 알맞은 것은?",
           ["carol@localhost", "carol@localhost\n\\bob", "bob: carol", "carol@localhost RELAY"],
           "`\\bob`(역슬래시)은 더 전달하지 말고 bob의 메일함에 배달하라는 뜻입니다. 한 줄에 한 주소씩 적습니다.",
           ["carol에게만 가고 bob의 메일함에는 남지 않습니다.", "정답.",
            "`이름: 받을곳`은 /etc/aliases의 형식입니다.", "RELAY는 access 파일의 정책입니다."]),
          ("bob forwards his mail to carol but wants a copy kept in his own mailbox. Which ~bob/.forward fits?",
           ["carol@localhost", "carol@localhost\n\\bob", "bob: carol", "carol@localhost RELAY"],
           "`\\bob` (backslash) means deliver to bob's mailbox, no further forwarding; one address a line.",
           ["Only carol gets it; nothing stays with bob.", "Right.",
            "`name: target` is the /etc/aliases format.", "RELAY is an access-file policy."]), 1),
        q(("이 장의 세 파일과 적용 방법의 짝으로 옳지 않은 것은?",
           ["local-host-names: sendmail 재시작", "virtusertable: makemap hash", "~/.forward: 저장하면 바로 적용",
            "virtusertable: newaliases"],
           "virtusertable은 makemap hash로 .db를 만들어 적용합니다. newaliases는 /etc/aliases 전용입니다.",
           ["옳은 짝.", "옳은 짝.", "옳은 짝: 배달할 때마다 읽습니다.", "정답(옳지 않음)."]),
          ("Which pairing of this chapter's files and how they are applied is NOT right?",
           ["local-host-names: restart sendmail", "virtusertable: makemap hash", "~/.forward: applies once saved",
            "virtusertable: newaliases"],
           "virtusertable is applied by building its .db with makemap hash; newaliases is for /etc/aliases only.",
           ["A right pair.", "A right pair.", "A right pair: read at every delivery.", "Right answer (not right)."]), 3),
        q(("sendmail.cf에서 local-host-names 파일을 읽게 하는 줄의 기본값은?", ["Cwlocalhost", "Fw/etc/mail/local-host-names",
                                                                     "Kvirtuser hash /etc/mail/local-host-names", "O HostsFile=/etc/mail/local-host-names"],
           "Fw는 클래스 w(받을 이름)를 파일에서 읽습니다. Cw는 같은 클래스를 줄 안에 직접 적습니다.",
           ["Cw는 이름을 직접 적는 줄입니다.", "정답.", "Kvirtuser는 virtusertable 맵입니다.",
            "HostsFile은 /etc/hosts 같은 파일을 가리키는 다른 옵션입니다."]),
          ("Which sendmail.cf line (its default) makes sendmail read the local-host-names file?", ["Cwlocalhost", "Fw/etc/mail/local-host-names",
                                                                                                  "Kvirtuser hash /etc/mail/local-host-names", "O HostsFile=/etc/mail/local-host-names"],
           "Fw reads class w (names to receive for) from a file; Cw writes names of the same class on the line.",
           ["Cw writes names directly.", "Right.", "Kvirtuser is the virtusertable map.",
            "HostsFile is another option, for a file like /etc/hosts."]), 1),
        q(("다른 컴퓨터에서 alice@youngjin-mail.com으로 보냈더니 `550 5.7.1 ... Relaying denied`가 왔습니다. 이 서버가 youngjin-mail.com 메일을 받게 하려면?",
           ["access에 youngjin-mail.com DISCARD", "/etc/aliases에 youngjin-mail.com: alice를 넣고 newaliases를 실행한다",
            "local-host-names에 youngjin-mail.com을 적고 sendmail 재시작", "~alice/.forward에 youngjin-mail.com"],
           "이 서버가 받을 도메인은 local-host-names(Fw)에 적습니다. 목록에 없는 도메인은 남의 것으로 보고 릴레이 요청으로 다룹니다.",
           ["DISCARD는 받은 척하고 버립니다.", "별칭은 @ 앞의 사용자 이름을 다룹니다. 도메인을 받게 하지 못합니다.",
            "정답.", ".forward는 이미 받은 메일을 넘길 뿐입니다."]),
          ("Mail from another machine to alice@youngjin-mail.com got `550 5.7.1 ... Relaying denied`. How does this server start receiving for youngjin-mail.com?",
           ["youngjin-mail.com DISCARD in access", "add the line youngjin-mail.com: alice to /etc/aliases and run newaliases",
            "write youngjin-mail.com in local-host-names and restart sendmail", "youngjin-mail.com in ~alice/.forward"],
           "Domains this server receives for go in local-host-names (Fw); any other domain is someone else's, so the mail counts as a relay request.",
           ["DISCARD accepts and drops.", "Aliases handle the user part before @; they cannot make a domain local.",
            "Right.", ".forward only passes on mail already received."]), 2),
        q(("virtusertable에서 example.com 앞으로 온 메일 중 목록에 없는 모든 주소를 bob에게 보내는 줄은?",
           ["*@example.com bob", "@example.com bob", "example.com bob", "bob @example.com"],
           "@도메인(사용자 부분 없음)이 catch-all입니다.",
           ["*는 virtusertable의 문법이 아닙니다.", "정답: @example.com bob.",
            "@ 없이 쓰면 주소가 아니어서 맞는 메일이 없습니다.", "순서가 반대입니다. 가상 주소가 먼저, 받을 곳이 나중입니다."]),
          ("Which virtusertable line sends mail for every unlisted address of example.com to bob?",
           ["*@example.com bob", "@example.com bob", "example.com bob", "bob @example.com"],
           "@domain (no user part) is the catch-all.",
           ["* is not virtusertable syntax.", "Right: @example.com bob.",
            "Without @ it is no address and matches nothing.", "Backwards: the virtual address first, then the target."]), 1),
    ),
    end(),
]
