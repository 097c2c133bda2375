from mailkit.course import code, end, md, q, quiz, start

CELLS = [
    md(ko="""
    # 04. sendmail.cf와 주요 설정 항목

    `/etc/mail/sendmail.cf`는 sendmail의 **기본(주) 설정 파일**입니다. sendmail은 시작할 때 이 파일을
    읽으므로, 고친 뒤에는 `systemctl restart sendmail`로 다시 시작해야 적용됩니다.
    `#`으로 시작하는 줄은 주석입니다. 줄의 첫 글자가 그 줄의 종류를 나타냅니다.

    | 첫 글자 | 뜻 | 예 |
    | --- | --- | --- |
    | `C` | 클래스(이름 목록) | `Cwlocalhost` |
    | `F` | 파일에서 읽는 클래스 | `Fw/etc/mail/local-host-names` |
    | `D` | 매크로(값 하나) | `DnMAILER-DAEMON` |
    | `K` | 맵(데이터베이스) 선언 | `Kaccess hash ... /etc/mail/access.db` |
    | `O` | 옵션 | `O MaxMessageSize=0` |
    """, en="""
    # 04. sendmail.cf and its options

    `/etc/mail/sendmail.cf` is sendmail's **main configuration file**. sendmail reads it when it
    starts, so after a change run `systemctl restart sendmail`. Lines starting with `#` are comments.
    A line's first letter says what kind of line it is.

    | First letter | Meaning | Example |
    | --- | --- | --- |
    | `C` | a class (list of names) | `Cwlocalhost` |
    | `F` | a class read from a file | `Fw/etc/mail/local-host-names` |
    | `D` | a macro (one value) | `DnMAILER-DAEMON` |
    | `K` | a map (database) declaration | `Kaccess hash ... /etc/mail/access.db` |
    | `O` | an option | `O MaxMessageSize=0` |
    """),
    start(),
    code("%grep -E '^(Cw|Fw|Ft|#?Dj|Dn|FR|Kvirtuser|Kaccess)' /etc/mail/sendmail.cf",
         "seed:F01", "seed:O02", "seed:O07", "seed:O08"),
    code("%grep -E '^#?O (AliasFile|MaxMessageSize|ForwardPath|DaemonPortOptions|DeliveryMode|Timeout.queuereturn|QueueDirectory)=' /etc/mail/sendmail.cf",
         "seed:F01"),
    md(ko="""
    | 항목 | 뜻 |
    | --- | --- |
    | `Cw` | 이 서버가 메일을 받을 호스트 이름(보통 도메인 이름). 기본값 `Cwlocalhost` |
    | `Fw` | 받을 이름이 여러 개일 때 그 목록 파일. 기본값 `Fw/etc/mail/local-host-names` |
    | `Ft` | 신뢰 사용자(trusted user) 목록. 이 사용자들은 보내는 사람 주소를 바꿀 수 있음 |
    | `Dj` | 보내는 도메인 이름을 강제로 지정(보통은 sendmail이 스스로 정하므로 특별할 때만) |
    | `Dn` | 반송(return) 메일을 보낼 때 쓰는 사용자 이름. 기본값 MAILER-DAEMON |
    | `FR-o` | 릴레이를 허용할 도메인 목록 파일(`-o`: 파일이 없어도 됨) |
    | `Kvirtuser` | 가상 사용자 맵(virtusertable) |
    | `Kaccess` | 접근 제어 맵(access) |
    | `O AliasFile` | 별칭 파일(/etc/aliases) |
    | `O MaxMessageSize` | 메일 한 통의 최대 크기(바이트). 0이거나 주석이면 제한 없음 |
    | `O ForwardPath` | 개인 포워딩 파일(.forward)을 찾는 경로 |
    | `O DaemonPortOptions` | SMTP 데몬의 포트와 주소. `Addr=127.0.0.1`은 이 호스트만, `0.0.0.0`은 모든 주소 |
    | `O DeliveryMode` | 배달 방식(background, queueonly 등) |
    | `O Timeout.queuereturn` | 이 기간 동안 못 보낸 메일은 보낸 사람에게 반송 |
    | `O QueueDirectory` | 메일 큐 디렉터리 |

    이 장에서는 `Cw`, `Ft`, `Dj`, `MaxMessageSize`, `DaemonPortOptions`를 바꿔 봅니다. 나머지는
    관련된 장(별칭 6장, 릴레이 7장, 가상 사용자·포워딩 8장, 큐 9장)에서 다룹니다.

    ## Cw: 메일을 받을 이름
    다른 컴퓨터(`client.example.com`, 주소 127.0.0.2)에서 `alice@mail.example.com`으로 보내 봅니다.
    이 서버는 자기가 `mail.example.com`인 줄 모르므로, 남의 도메인으로 가는 메일을 중계(릴레이)해
    달라는 요청으로 보고 거절합니다.
    """, en="""
    | Item | Meaning |
    | --- | --- |
    | `Cw` | host names this server receives mail for (usually the domain). Default `Cwlocalhost` |
    | `Fw` | file listing more such names. Default `Fw/etc/mail/local-host-names` |
    | `Ft` | trusted users: they may change the sender address |
    | `Dj` | forces the sending domain name (sendmail normally works it out; only for special cases) |
    | `Dn` | the user name returned (bounced) mail comes from. Default MAILER-DAEMON |
    | `FR-o` | file of domains allowed to relay (`-o`: the file may be missing) |
    | `Kvirtuser` | the virtual user map (virtusertable) |
    | `Kaccess` | the access control map (access) |
    | `O AliasFile` | the alias file (/etc/aliases) |
    | `O MaxMessageSize` | largest message in bytes; 0 or commented out: no limit |
    | `O ForwardPath` | where personal forwarding files (.forward) are looked for |
    | `O DaemonPortOptions` | the SMTP daemon's port and address: `Addr=127.0.0.1` this host only, `0.0.0.0` every address |
    | `O DeliveryMode` | how mail is delivered (background, queueonly, ...) |
    | `O Timeout.queuereturn` | mail not delivered within this time goes back to the sender |
    | `O QueueDirectory` | the mail queue directory |

    This chapter changes `Cw`, `Ft`, `Dj`, `MaxMessageSize` and `DaemonPortOptions`. The others
    come with their topics (aliases 06, relaying 07, virtual users and forwarding 08, the queue 09).

    ## Cw: names mail is received for
    From another computer (`client.example.com`, address 127.0.0.2) send to `alice@mail.example.com`.
    This server does not know it is `mail.example.com`, so it takes this as a request to relay
    mail to someone else's domain, and refuses.
    """),
    code('smtp_send("alice@mail.example.com", subject="Cw test", client="127.0.0.2")', "seed:O01"),
    code("""
    edit("/etc/mail/sendmail.cf", "Cwlocalhost", "Cwlocalhost mail.example.com")
    %systemctl restart sendmail
    """, "seed:O01", "seed:F01"),
    code('smtp_send("alice@mail.example.com", subject="Cw test", client="127.0.0.2")', "seed:O01"),
    md(ko="""
    `Cw` 한 줄에 이름을 여러 개 쓸 수 있지만, 보통은 `Fw`가 가리키는 파일
    `/etc/mail/local-host-names`에 한 줄에 하나씩 적습니다(8장).

    ## Ft: 신뢰 사용자와 `sendmail -f`
    `sendmail -f 주소`는 보내는 사람 주소를 바꿉니다. 신뢰 사용자(root 등)가 아닌 사람이 그렇게
    하면 sendmail은 보내되 `X-Authentication-Warning` 헤더로 경고를 남깁니다.
    `%mailkit user 이름`은 이후 명령을 그 사용자로 실행하게 합니다.
    """, en="""
    One `Cw` line may list several names, but they usually go one a line into the file `Fw`
    names, `/etc/mail/local-host-names` (chapter 08).

    ## Ft: trusted users and `sendmail -f`
    `sendmail -f ADDRESS` changes the sender address. When someone who is not a trusted user
    (root is) does that, sendmail sends the mail but adds an `X-Authentication-Warning` header.
    `%mailkit user NAME` runs the following commands as that user.
    """),
    code("%cat /etc/mail/trusted-users", "seed:O03"),
    code("""
    %mailkit user alice
    %host echo "sent by alice" | sendmail -f boss@example.com bob
    %mailkit user root
    %host echo "sent by root" | sendmail -f boss@example.com bob
    %grep -E '^(From|X-Authentication-Warning):' /var/spool/mail/bob
    """, "seed:O03"),
    md(ko="""
    alice가 보낸 첫 메일에만 경고가 붙었습니다. alice를 `/etc/mail/trusted-users`(`Ft`가 가리키는
    파일)에 넣고 다시 시작하면 경고가 사라집니다.
    """, en="""
    Only alice's message carries the warning. Put alice into `/etc/mail/trusted-users` (the file
    `Ft` names), restart, and the warning is gone.
    """),
    code("""
    %%host
    echo alice >> /etc/mail/trusted-users
    systemctl restart sendmail
    """, "seed:O03"),
    code("""
    %mailkit user alice
    %host echo "sent by alice again" | sendmail -f boss@example.com carol
    %mailkit user root
    %grep -c X-Authentication-Warning /var/spool/mail/carol
    """, "seed:O03"),
    md(ko="""
    ## Dj: 보내는 도메인 이름
    지금 이 서버가 붙이는 도메인은 `localhost.localdomain`입니다. `Dj`로 `mail.example.com`을
    강제로 지정하면 `From:`, `Message-Id:`, `Received:`의 이름이 바뀝니다.
    """, en="""
    ## Dj: the sending domain name
    Right now the server signs its mail as `localhost.localdomain`. Forcing `mail.example.com`
    with `Dj` changes the name in `From:`, `Message-Id:` and `Received:`.
    """),
    code("""
    edit("/etc/mail/sendmail.cf", "#Dj$w.Foo.COM", "Djmail.example.com")
    %systemctl restart sendmail
    """, "seed:O04"),
    code("""
    %%host
    echo "signed by Dj" | mail -s "Dj test" carol
    grep -E '^(From|Message-Id):|by mail' /var/spool/mail/carol
    """, "seed:O04"),
    md(ko="""
    ## MaxMessageSize: 메일 크기 제한(바이트)
    기본 설정은 주석(`#O MaxMessageSize=0`)이라 제한이 없습니다. 2000바이트로 제한하고 약 5000바이트짜리
    메일을 보내 봅니다. 이번에는 **ConfigEditor** 위젯으로 바꿉니다: 옵션 칸을 고치고 Apply를 누르면
    위젯이 파일을 고치고 `systemctl restart sendmail`까지 실행합니다(아래 로그에 보임).
    """, en="""
    ## MaxMessageSize: a size limit in bytes
    The stock file has it commented out (`#O MaxMessageSize=0`): no limit. Set 2000 bytes and send
    a message of about 5000. This time use the **ConfigEditor** widget: change the field, press
    Apply, and the widget edits the file and runs `systemctl restart sendmail` (see its log).
    """),
    code("""
    editor = ConfigEditor(lang=LANG)
    editor.inputs["MaxMessageSize"].value = "2000"   #[ko] 입력란에 2000을 쓰는 것과 같음 #[en] what typing 2000 in the form does
    editor.apply_options()                            #[ko] Apply 단추를 누르는 것과 같음 #[en] what pressing Apply does
    print(editor.command_log.text)
    editor
    """, "seed:O10", "seed:F01"),
    code("%grep MaxMessageSize /etc/mail/sendmail.cf", "seed:O10"),
    code('smtp_send("alice@localhost", subject="big one", size=5000)', "seed:O10"),
    md(ko="""
    `552 5.2.3`: 최대 크기를 넘었습니다. 위젯에서 0으로 되돌리고(또는 아래 셀 실행) 다시 보내면 받습니다.
    """, en="""
    `552 5.2.3`: over the maximum. Set it back to 0 in the widget (or run the cell below) and the
    same message is accepted.
    """),
    code("""
    editor.inputs["MaxMessageSize"].value = "0"
    editor.apply_options()
    smtp_send("alice@localhost", subject="big one", size=5000)
    """, "seed:O10"),
    md(ko="""
    ## DaemonPortOptions: 어느 주소에서 기다릴까
    `Addr=127.0.0.1`이면 이 컴퓨터 안에서만 접속할 수 있고, `Addr=0.0.0.0`이면 모든 네트워크
    주소에서 접속을 받습니다. netstat의 Local Address가 바뀌는 것을 보세요.
    """, en="""
    ## DaemonPortOptions: which address to listen on
    `Addr=127.0.0.1` accepts connections from this computer only; `Addr=0.0.0.0` from every network
    address. Watch the Local Address column of netstat change.
    """),
    code("%netstat -anp | grep LISTEN -w | grep :25", "seed:O12"),
    code("""
    edit("/etc/mail/sendmail.cf", "Port=smtp,Addr=127.0.0.1", "Port=smtp,Addr=0.0.0.0")
    %systemctl restart sendmail
    %netstat -anp | grep LISTEN -w | grep :25
    """, "seed:O12"),
    code("""
    edit("/etc/mail/sendmail.cf", "Port=smtp,Addr=0.0.0.0", "Port=smtp,Addr=127.0.0.1")
    %systemctl restart sendmail
    %netstat -anp | grep LISTEN -w | grep :25
    """, "seed:O12"),
    md(ko="""
    ## 주소 시험 모드: `sendmail -bt`
    sendmail.cf의 뒷부분은 `S`(규칙 묶음, ruleset)와 `R`(다시 쓰기 규칙) 줄입니다. sendmail은 받는 주소를
    이 규칙들에 차례로 통과시켜 **어느 메일러로 보낼지**(local이면 이 서버의 메일함, esmtp면 다른 서버)를
    정합니다. `sendmail -bt`는 그 과정을 한 단계씩 보여 주는 시험 모드입니다. `3,0 주소`는 ruleset 3
    (canonify, 주소를 표준 모양으로)과 ruleset 0(parse, 메일러 고르기)을 차례로 돌립니다.
    마지막 줄의 `$# local`은 이 서버에 배달, `$# esmtp $@ example . com`은 example.com으로 보낸다는 뜻입니다.
    """, en="""
    ## Address test mode: `sendmail -bt`
    The back of sendmail.cf is `S` (ruleset) and `R` (rewriting rule) lines. sendmail passes each
    recipient through these rules to decide **which mailer** delivers it (local: a mailbox on this
    server; esmtp: another server). `sendmail -bt` is the test mode that shows each step. `3,0 address`
    runs ruleset 3 (canonify: the address in standard form), then ruleset 0 (parse: choose the mailer).
    `$# local` on the last line means delivery here; `$# esmtp $@ example . com` means sent to example.com.
    """),
    code("""
    %%sendmail -bt
    3,0 alice@localhost
    3,0 dave@example.com
    """),
    md(ko="""
    ## O PrivacyOptions: VRFY와 EXPN 막기
    `VRFY 이름`은 그런 사용자가 있는지, `EXPN 별칭`은 별칭이 누구에게 가는지 묻는 SMTP 명령입니다.
    스팸 발송자가 주소를 알아내는 데 쓰므로 CentOS의 기본 설정은 `novrfy`, `noexpn`으로 막아 둡니다.
    `novrfy`를 빼고 다시 시작하면 VRFY가 답합니다.
    """, en="""
    ## O PrivacyOptions: blocking VRFY and EXPN
    `VRFY name` asks whether a user exists, `EXPN alias` whom an alias goes to. Spammers harvest
    addresses with them, so CentOS's stock configuration blocks both with `novrfy` and `noexpn`.
    Take `novrfy` out and restart, and VRFY answers.
    """),
    code("""
    %%telnet localhost 25
    VRFY alice
    EXPN root
    QUIT
    """),
    code("""
    edit("/etc/mail/sendmail.cf", "O PrivacyOptions=authwarnings,novrfy,noexpn", "O PrivacyOptions=authwarnings,noexpn")
    %systemctl restart sendmail
    """),
    code("""
    %%telnet localhost 25
    VRFY alice
    EXPN root
    QUIT
    """),
    quiz(
        q(("sendmail의 주 설정 파일은?", ["/etc/mail/sendmail.mc", "/etc/sendmail.conf", "/etc/mail/sendmail.cf", "/etc/mail/access"],
           "sendmail.cf가 주 설정 파일이고, sendmail.mc는 그것을 만드는 보조 파일입니다.",
           ["sendmail.mc는 m4로 sendmail.cf를 만드는 보조 파일입니다. sendmail은 직접 읽지 않습니다.",
            "그런 파일은 없습니다.", "정답: /etc/mail/sendmail.cf.", "access는 접근 제어 파일입니다."]),
          ("Which is sendmail's main configuration file?", ["/etc/mail/sendmail.mc", "/etc/sendmail.conf", "/etc/mail/sendmail.cf", "/etc/mail/access"],
           "sendmail.cf is the main file; sendmail.mc is the helper it is generated from.",
           ["sendmail.mc is the helper m4 turns into sendmail.cf; sendmail does not read it.",
            "No such file.", "Right: /etc/mail/sendmail.cf.", "access is the access-control file."]), 2),
        q(("메일을 받을 호스트 이름을 지정하는 항목과 그 기본값은?", ["Dj, Djlocalhost", "Cw, Cwlocalhost", "Fw, Fwlocalhost", "Dn, DnMAILER-DAEMON"],
           "Cw가 수신 호스트 이름(클래스 w)이고 기본값은 Cwlocalhost입니다.",
           ["Dj는 보내는 도메인 이름을 강제로 정합니다.", "정답: Cw, 기본값 Cwlocalhost.",
            "Fw는 이름 목록 파일을 가리킵니다(기본값 Fw/etc/mail/local-host-names).", "Dn은 반송 메일의 사용자 이름입니다."]),
          ("Which item names the hosts mail is received for, and what is its default?", ["Dj, Djlocalhost", "Cw, Cwlocalhost", "Fw, Fwlocalhost", "Dn, DnMAILER-DAEMON"],
           "Cw (class w) names the receiving hosts; the default is Cwlocalhost.",
           ["Dj forces the sending domain name.", "Right: Cw, default Cwlocalhost.",
            "Fw names a file of names (default Fw/etc/mail/local-host-names).", "Dn is the user name of bounces."]), 1),
        q(("보내는 사람 주소를 바꿀 수 있는 신뢰 사용자를 지정하는 항목은?", ["Cw", "Dj", "FR-o", "Ft"],
           "Ft(trusted users)가 가리키는 파일(/etc/mail/trusted-users)의 사용자는 sendmail -f로 보낸 사람을 바꿔도 경고가 붙지 않습니다.",
           ["Cw는 받을 호스트 이름입니다.", "Dj는 보내는 도메인 이름입니다.", "FR-o는 릴레이 허용 도메인 파일입니다.", "정답: Ft."]),
          ("Which item names the trusted users who may change the sender address?", ["Cw", "Dj", "FR-o", "Ft"],
           "Users in Ft's file (/etc/mail/trusted-users) may change the sender with sendmail -f without a warning.",
           ["Cw names receiving hosts.", "Dj is the sending domain name.", "FR-o is the relay-domains file.", "Right: Ft."]), 3),
        q(("`O MaxMessageSize=0`의 뜻은?", ["크기 제한 없음", "메일을 받지 않음", "본문이 없는 메일만 받음", "기본값 10MB"],
           "0이거나 주석 처리하면 크기 제한이 없습니다. 값의 단위는 바이트입니다.",
           ["정답: 0은 제한 없음입니다.", "받지 않는 설정이 아닙니다. 0은 제한을 끕니다.",
            "빈 메일만 받는다는 뜻이 아닙니다.", "sendmail.cf 자체에는 10MB 기본값이 없습니다(.mc의 예시 값일 뿐)."]),
          ("What does `O MaxMessageSize=0` mean?", ["no size limit", "accept no mail", "only messages without a body", "the default 10 MB"],
           "0 (or the line commented out) means no limit; the unit is bytes.",
           ["Right: 0 switches the limit off.", "It does not refuse mail: 0 is no limit.",
            "It does not mean empty messages only.", "sendmail.cf has no 10 MB default (that is only the .mc's sample value)."]), 0),
        q(("외부 어디서든 SMTP 접속을 받게 하는 설정은?", ["O DaemonPortOptions=Port=smtp,Addr=127.0.0.1, Name=MTA",
                                                    "O QueueDirectory=0.0.0.0", "O DaemonPortOptions=Port=smtp,Addr=0.0.0.0, Name=MTA",
                                                    "Cw0.0.0.0"],
           "Addr=0.0.0.0은 모든 주소에서, 127.0.0.1은 이 호스트에서만 접속을 받습니다.",
           ["127.0.0.1은 이 컴퓨터 안에서만 접속할 수 있습니다(CentOS 기본값).", "QueueDirectory는 큐 디렉터리 경로입니다.",
            "정답: Addr=0.0.0.0.", "Cw에는 주소가 아니라 받을 호스트 이름을 씁니다."]),
          ("Which setting accepts SMTP connections from any address?", ["O DaemonPortOptions=Port=smtp,Addr=127.0.0.1, Name=MTA",
                                                                       "O QueueDirectory=0.0.0.0", "O DaemonPortOptions=Port=smtp,Addr=0.0.0.0, Name=MTA",
                                                                       "Cw0.0.0.0"],
           "Addr=0.0.0.0 accepts on every address; 127.0.0.1 from this host only.",
           ["127.0.0.1 allows connections from this machine only (the CentOS default).", "QueueDirectory is the queue's path.",
            "Right: Addr=0.0.0.0.", "Cw takes host names to receive for, not addresses."]), 2),
        q(("sendmail.cf에서 줄의 첫 글자와 뜻의 짝으로 옳지 않은 것은?", ["C: 클래스(이름 목록)", "K: 맵(데이터베이스) 선언", "D: 매크로(값 하나)", "O: 큐 디렉터리"],
           "O는 옵션입니다. 큐 디렉터리도 O QueueDirectory라는 옵션의 하나입니다.",
           ["옳은 짝: 예) Cwlocalhost.", "옳은 짝: 예) Kaccess hash ... /etc/mail/access.db.",
            "옳은 짝: 예) DnMAILER-DAEMON.", "정답(옳지 않음): O는 옵션 전체를 뜻합니다."]),
          ("Which pairing of a sendmail.cf line's first letter and its meaning is NOT right?", ["C: a class (list of names)", "K: a map (database) declaration", "D: a macro (one value)", "O: the queue directory"],
           "O is an option; the queue directory is just one option, O QueueDirectory.",
           ["Right pair: e.g. Cwlocalhost.", "Right pair: e.g. Kaccess hash ... /etc/mail/access.db.",
            "Right pair: e.g. DnMAILER-DAEMON.", "Right answer (not right): O means any option."]), 3),
        q(("일반 사용자 alice가 `sendmail -f boss@example.com bob`으로 메일을 보냈습니다(alice는 신뢰 사용자가 아님). 결과는?",
           ["메일이 거절된다", "메일은 가지만 X-Authentication-Warning 헤더가 붙는다",
            "보낸 사람 주소가 -f로 준 주소 대신 alice@localhost.localdomain으로 바뀌어 간다", "alice가 trusted-users에 저절로 추가된다"],
           "sendmail은 보내되, 신뢰 사용자가 아닌 사람이 보낸 사람을 바꾸었다고 경고 헤더를 남깁니다.",
           ["거절하지 않습니다. 경고만 붙입니다.", "정답: X-Authentication-Warning.",
            "-f로 준 주소 그대로 보내집니다.", "trusted-users는 관리자가 직접 고칩니다."]),
          ("alice, an ordinary (untrusted) user, sends with `sendmail -f boss@example.com bob`. What happens?",
           ["the message is refused", "it is sent but gets an X-Authentication-Warning header",
            "the -f address is ignored and the sender becomes alice@localhost.localdomain", "alice is added to trusted-users by itself"],
           "sendmail sends it but leaves a warning header: an untrusted user changed the sender.",
           ["It is not refused, only marked.", "Right: X-Authentication-Warning.",
            "The -f address is used as given.", "trusted-users is edited by the administrator."]), 1),
        q(("메일 크기를 1000000바이트로 제한하는 sendmail.cf의 한 줄을 쓰세요.", [],
           "O MaxMessageSize=바이트수. KB나 MB 단위를 쓰지 않고, 0이나 주석이면 제한이 없습니다."),
          ("Write the sendmail.cf line that limits messages to 1000000 bytes.", [],
           "O MaxMessageSize=BYTES, no KB or MB units; 0 or commented out means no limit."),
         ["O MaxMessageSize=1000000"]),
        q(("MaxMessageSize보다 큰 메일을 보낼 때 sendmail의 응답은?", ["552 5.2.3 Message size exceeds maximum value", "550 5.7.1 Relaying denied",
                                                              "503 5.0.0 Need RCPT (recipient)", "452 4.4.5 Insufficient disk space"],
           "552는 저장 공간 할당을 넘었다는 영구적 실패입니다.",
           ["정답: 크기 제한 초과.", "릴레이가 허용되지 않을 때의 응답입니다.",
            "받는 사람 없이 DATA를 보냈을 때입니다.", "디스크 공간이 모자랄 때의 일시적 실패입니다."]),
          ("Which reply does sendmail give to a message larger than MaxMessageSize?", ["552 5.2.3 Message size exceeds maximum value", "550 5.7.1 Relaying denied",
                                                                                      "503 5.0.0 Need RCPT (recipient)", "452 4.4.5 Insufficient disk space"],
           "552 is a permanent failure: storage allocation exceeded.",
           ["Right: over the size limit.", "The reply when relaying is not allowed.",
            "DATA sent before any recipient.", "A temporary failure when the disk is full."]), 0),
        q(("sendmail.cf에서 `Djmail.example.com`을 쓰면 무엇이 바뀌는가?",
           ["반송 메일의 보낸 사람 이름", "이 서버가 다른 서버에서 받을 수 있는 메일 한 통의 최대 크기", "이 서버가 메일을 보낼 때 쓰는 도메인 이름", "메일 큐의 위치"],
           "Dj는 sendmail이 스스로 정하는 자기 도메인 이름($j)을 강제로 지정합니다. From:, Message-Id:, Received:에 나타납니다.",
           ["반송 메일의 이름은 Dn입니다.", "크기는 O MaxMessageSize입니다.", "정답: 발신 도메인 이름.", "큐 위치는 O QueueDirectory입니다."]),
          ("What changes with `Djmail.example.com` in sendmail.cf?",
           ["the sender name of bounces", "the largest message this server accepts from other servers", "the domain name this server uses when it sends", "where the queue is"],
           "Dj forces the host's own domain name ($j) that sendmail otherwise works out; it shows in From:, Message-Id:, Received:.",
           ["Bounces' name is Dn.", "Size is O MaxMessageSize.", "Right: the sending domain name.", "The queue is O QueueDirectory."]), 2),
        q(("sendmail.cf를 고친 뒤 바뀐 설정을 적용하려면?", ["newaliases", "makemap hash /etc/mail/sendmail.cf < /etc/mail/sendmail.cf",
                                                      "아무것도 하지 않아도 바로 적용된다", "systemctl restart sendmail"],
           "sendmail은 시작할 때 sendmail.cf를 읽습니다. 그래서 다시 시작해야 적용됩니다.",
           ["newaliases는 별칭 DB(/etc/aliases.db)를 만듭니다.", "sendmail.cf는 makemap으로 만드는 맵이 아닙니다.",
            "실행 중인 sendmail은 고친 파일을 다시 읽지 않습니다.", "정답: 다시 시작합니다."]),
          ("After editing sendmail.cf, how is the change applied?", ["newaliases", "makemap hash /etc/mail/sendmail.cf < /etc/mail/sendmail.cf",
                                                                     "nothing: it applies at once", "systemctl restart sendmail"],
           "sendmail reads sendmail.cf when it starts, so a restart applies it.",
           ["newaliases builds the alias database (/etc/aliases.db).", "sendmail.cf is not a map built with makemap.",
            "A running sendmail does not reread the edited file.", "Right: restart it."]), 3),
        q(("다음 sendmail.cf 줄들을 보고 옳은 것을 고르세요.\nCwlocalhost mail.example.com\nFw/etc/mail/local-host-names\n#O MaxMessageSize=0\nO DaemonPortOptions=Port=smtp,Addr=127.0.0.1, Name=MTA",
           ["mail.example.com 앞으로 온 메일은 이 서버가 받는다", "메일 크기가 0바이트로 제한된다",
            "다른 컴퓨터에서도 네트워크를 거쳐 이 서버의 25번 포트로 접속할 수 있다", "local-host-names 파일은 읽지 않는다"],
           "Cw에 적힌 이름은 이 서버가 받을 이름입니다.",
           ["정답: Cw 줄에 mail.example.com이 있습니다.", "MaxMessageSize 줄은 주석(#)이라 제한이 없습니다.",
            "Addr=127.0.0.1이라 이 컴퓨터에서만 접속합니다.", "Fw 줄이 그 파일을 읽게 합니다."]),
          ("Read these sendmail.cf lines. Which is true?\nCwlocalhost mail.example.com\nFw/etc/mail/local-host-names\n#O MaxMessageSize=0\nO DaemonPortOptions=Port=smtp,Addr=127.0.0.1, Name=MTA",
           ["this server receives mail for mail.example.com", "messages are limited to 0 bytes",
            "other machines on the network can connect to this server's port 25", "the local-host-names file is not read"],
           "The names on the Cw line are names this server receives for.",
           ["Right: mail.example.com is on the Cw line.", "The MaxMessageSize line is a comment (#): no limit.",
            "Addr=127.0.0.1: connections from this machine only.", "The Fw line makes it read that file."]), 0),
        q(("sendmail.cf에서 주석으로 쓰이는 줄은 어떤 글자로 시작하는가?", ["dnl", ";", "//", "#"],
           "sendmail.cf의 주석은 #입니다. dnl은 sendmail.mc(m4)의 주석입니다.",
           ["dnl은 m4 파일(sendmail.mc)의 주석입니다.", "세미콜론은 주석 표시가 아닙니다.",
            "//는 sendmail.cf에서 주석이 아닙니다.", "정답: #."]),
          ("Which character starts a comment line in sendmail.cf?", ["dnl", ";", "//", "#"],
           "sendmail.cf comments start with #; dnl is the comment of sendmail.mc (m4).",
           ["dnl is the m4 (sendmail.mc) comment.", "A semicolon marks no comment.",
            "// is no comment in sendmail.cf.", "Right: #."]), 3),
    ),
    end(),
]
