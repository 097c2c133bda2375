from mailkit.course import code, end, md, q, quiz, start

CELLS = [
    md(ko="""
    # 05. sendmail.mc와 m4

    `sendmail.cf`는 천 줄이 넘고 문법도 어려워서 직접 고치는 일은 드뭅니다. 대신 짧은 보조 파일
    <strong>`/etc/mail/sendmail.mc`</strong>를 고친 뒤, 매크로 처리기 **m4**로 `sendmail.cf`를 새로 만듭니다.

    ```
    m4 /etc/mail/sendmail.mc > /etc/mail/sendmail.cf
    ```

    m4가 쓰는 sendmail용 매크로(`/usr/share/sendmail-cf/`)는 **sendmail-cf** 패키지에 들어 있습니다.

    > ✏️ 바로잡기: 정리 노트의 `/ect/mail/sendmail.mc`는 <strong>`/etc/mail/sendmail.mc`</strong>의 오타이고,
    > 필요한 패키지 이름은 `sendmail -cf`가 아니라 **`sendmail-cf`**(붙여 씀)입니다.
    """, en="""
    # 05. sendmail.mc and m4

    `sendmail.cf` is over a thousand lines of hard syntax, so it is rarely edited by hand.
    Instead you change the short helper file **`/etc/mail/sendmail.mc`** and rebuild
    `sendmail.cf` from it with the macro processor **m4**:

    ```
    m4 /etc/mail/sendmail.mc > /etc/mail/sendmail.cf
    ```

    The sendmail macros m4 needs (`/usr/share/sendmail-cf/`) come in the package **sendmail-cf**.

    > ✏️ Correction: the study note's `/ect/mail/sendmail.mc` is a typo for
    > **`/etc/mail/sendmail.mc`**, and the package is **`sendmail-cf`** (one word), not `sendmail -cf`.
    """),
    start(),
    md(ko="""
    ## .mc 파일 들여다보기
    `dnl`로 시작하는 줄은 m4의 주석입니다(“delete to new line”). `define`은 옵션 값을,
    `FEATURE`는 기능을 켭니다.
    """, en="""
    ## A look at the .mc file
    Lines starting with `dnl` are m4 comments ("delete to new line"). `define` sets an option,
    `FEATURE` switches a feature on.
    """),
    code("%grep -E 'MAX_MESSAGE_SIZE|TO_QUEUERETURN|DAEMON_OPTIONS|access_db|virtusertable' /etc/mail/sendmail.mc", "seed:F02"),
    md(ko="""
    ## sendmail-cf가 없으면
    새로 설치한 서버에는 sendmail-cf가 없습니다. 이때 m4를 돌리면 매크로 파일을 찾지 못해 실패합니다.
    그런데 셸은 m4를 실행하기 **전에** `>`로 sendmail.cf를 비워 버립니다. m4가 실패해도 sendmail.cf는
    이미 빈 파일입니다(bash가 실제로 이렇게 동작합니다). 아래에서 먼저 복사본을 만들어 두고 확인해 봅니다.
    """, en="""
    ## Without sendmail-cf
    A fresh server has no sendmail-cf. m4 then fails: it cannot find the macro files.
    But the shell empties sendmail.cf for `>` **before** m4 runs: even though m4 fails, sendmail.cf
    is already empty (that is what bash really does). Below, a copy is made first, then we look.
    """),
    code("%host cp /etc/mail/sendmail.cf /etc/mail/sendmail.cf.orig", "seed:F02"),
    code("%m4 /etc/mail/sendmail.mc > /etc/mail/sendmail.cf", "seed:F02", "raises-exception"),
    code("%host wc -l /etc/mail/sendmail.cf", "seed:F02"),
    md(ko="""
    0줄: sendmail.cf가 비었습니다. 이 상태로 sendmail을 다시 시작하면 설정이 없어 시작하지 못합니다.
    그래서 실무에서는 **새 파일에 먼저 만들고**(`m4 sendmail.mc > sendmail.cf.new`), 잘 만들어졌는지
    본 다음에 바꿔 넣습니다. 여기서는 복사본으로 되돌리고 sendmail-cf를 설치합니다.
    """, en="""
    0 lines: sendmail.cf is empty. Restarted like this, sendmail would have no configuration and
    fail to start. So in practice you **build into a new file first** (`m4 sendmail.mc >
    sendmail.cf.new`), check it, then move it into place. Here we restore the copy and install
    sendmail-cf.
    """),
    code("""
    %%host
    cp /etc/mail/sendmail.cf.orig /etc/mail/sendmail.cf
    wc -l /etc/mail/sendmail.cf
    yum -y install sendmail-cf
    """, "seed:F02"),
    md(ko="""
    ## .mc를 고쳐서 .cf 만들기
    메일 크기 제한 줄은 `dnl`로 막혀 있습니다. `dnl`을 지우고 값을 5000바이트로 바꾼 뒤 m4로
    `sendmail.cf`를 다시 만들고, sendmail을 다시 시작합니다.
    (실제 서버라면 vi나 `sed -i`로 고칩니다. 여기서는 바뀐 줄을 보여 주는 `edit()` 도우미를 씁니다.)
    """, en="""
    ## Change the .mc, rebuild the .cf
    The size-limit line is disabled with `dnl`. Remove the `dnl`, set 5000 bytes, rebuild
    `sendmail.cf` with m4 and restart sendmail. (On a real server you would use vi or `sed -i`;
    here the `edit()` helper does it and shows the changed line.)
    """),
    code("""
    edit("/etc/mail/sendmail.mc", "dnl define(`confMAX_MESSAGE_SIZE', `10000000')dnl",
                                  "define(`confMAX_MESSAGE_SIZE', `5000')dnl")
    """, "seed:F02"),
    code("""
    %%host
    cp /etc/mail/sendmail.cf /etc/mail/sendmail.cf.bak
    m4 /etc/mail/sendmail.mc > /etc/mail/sendmail.cf.new
    grep MaxMessageSize /etc/mail/sendmail.cf.new
    mv /etc/mail/sendmail.cf.new /etc/mail/sendmail.cf
    systemctl restart sendmail
    """, "seed:F02"),
    code('smtp_send("alice@localhost", subject="6000 bytes", size=6000)', "seed:F02"),
    md(ko="""
    .mc에서 바꾼 한 줄이 .cf의 `O MaxMessageSize=5000`이 되었고, 다시 시작한 sendmail이 그 값을
    씁니다. **.mc만 고치고 m4를 안 돌리거나, m4만 돌리고 다시 시작하지 않으면 적용되지 않습니다.**

    ## 위젯으로 비교해 보기
    아래 ConfigEditor는 지금 sendmail.cf의 값을 보여 줍니다. MaxMessageSize가 5000인지 확인하세요.
    """, en="""
    The one line changed in the .mc became `O MaxMessageSize=5000` in the .cf, and the restarted
    sendmail uses it. **Editing the .mc without running m4, or running m4 without restarting,
    changes nothing.**

    ## Check it in the widget
    The ConfigEditor below shows the values now in sendmail.cf. Is MaxMessageSize 5000?
    """),
    code("""
    editor = ConfigEditor(lang=LANG)
    print("MaxMessageSize =", editor.inputs["MaxMessageSize"].value)
    editor
    """, "seed:F02"),
    md(ko="""
    ## .mc와 .cf를 나란히
    시험은 .mc의 한 줄이 .cf의 어느 줄이 되는지 자주 묻습니다.

    | sendmail.mc (m4 매크로) | sendmail.cf (m4가 만든 줄) |
    | --- | --- |
    | ``DAEMON_OPTIONS(`Port=smtp,Addr=127.0.0.1, Name=MTA')dnl`` | `O DaemonPortOptions=Port=smtp,Addr=127.0.0.1, Name=MTA` |
    | ``define(`confMAX_MESSAGE_SIZE', `5000')dnl`` | `O MaxMessageSize=5000` |
    | ``FEATURE(`access_db', ...)dnl`` | `Kaccess hash ... /etc/mail/access.db` 와 그것을 쓰는 규칙들 |
    | ``FEATURE(`virtusertable', ...)dnl`` | `Kvirtuser hash -o /etc/mail/virtusertable.db` |
    | `dnl` (줄 끝까지 지움) | 아무것도 만들지 않음 |

    아래 셀이 지금의 두 파일에서 짝을 찾아 보여 줍니다.
    """, en="""
    ## The .mc and the .cf side by side
    The exam often asks which .cf line a .mc line becomes.

    | sendmail.mc (m4 macros) | sendmail.cf (the lines m4 makes) |
    | --- | --- |
    | ``DAEMON_OPTIONS(`Port=smtp,Addr=127.0.0.1, Name=MTA')dnl`` | `O DaemonPortOptions=Port=smtp,Addr=127.0.0.1, Name=MTA` |
    | ``define(`confMAX_MESSAGE_SIZE', `5000')dnl`` | `O MaxMessageSize=5000` |
    | ``FEATURE(`access_db', ...)dnl`` | `Kaccess hash ... /etc/mail/access.db` and the rules that use it |
    | ``FEATURE(`virtusertable', ...)dnl`` | `Kvirtuser hash -o /etc/mail/virtusertable.db` |
    | `dnl` (delete to new line) | nothing at all |

    The cell below finds each pair in the two files as they are now.
    """),
    code("""
    %%host
    grep -E '^(DAEMON_OPTIONS|define\\(`confMAX_MESSAGE_SIZE|FEATURE\\(`(access_db|virtusertable))' /etc/mail/sendmail.mc
    grep -E '^(O DaemonPortOptions|O MaxMessageSize|Kaccess|Kvirtuser)' /etc/mail/sendmail.cf
    """, "seed:F02"),
    md(ko="""
    ## 실전 과제: 모든 주소에서 메일 받기 (.mc로)
    처음 설치한 sendmail은 `Addr=127.0.0.1`이라 이 컴퓨터 안에서만 메일을 받습니다. 다른 컴퓨터의
    메일도 받으려면 .mc의 `DAEMON_OPTIONS`에서 `Addr=127.0.0.1,`을 지우고(또는 `0.0.0.0`으로 바꾸고)
    m4로 .cf를 다시 만든 뒤 재시작합니다. 새 파일에 먼저 만들고 확인한 다음 바꿔 넣습니다.
    (이 노트북의 메일 호스트는 안전을 위해 실제로는 루프백 주소에서만 기다리지만, netstat은 진짜 서버처럼
    cf가 요청한 `0.0.0.0:25`를 보여 줍니다.)
    """, en="""
    ## A real task: accept mail from every address (in the .mc)
    A fresh sendmail has `Addr=127.0.0.1`: it takes mail from this computer only. To accept mail
    from other machines, remove `Addr=127.0.0.1,` from the .mc's `DAEMON_OPTIONS` (or make it
    `0.0.0.0`), rebuild the .cf with m4, and restart. Build into a new file first, check, then move
    it into place. (For safety this notebook's mail host still listens on loopback addresses only,
    but netstat shows `0.0.0.0:25`, what the cf asked for, as a real server would.)
    """),
    code("""
    edit("/etc/mail/sendmail.mc", "DAEMON_OPTIONS(`Port=smtp,Addr=127.0.0.1, Name=MTA')dnl",
                                  "DAEMON_OPTIONS(`Port=smtp, Name=MTA')dnl")
    """, "seed:F02"),
    code("""
    %%host
    m4 /etc/mail/sendmail.mc > /etc/mail/sendmail.cf.new
    grep DaemonPortOptions /etc/mail/sendmail.cf.new
    mv /etc/mail/sendmail.cf.new /etc/mail/sendmail.cf
    systemctl restart sendmail
    netstat -anp | grep LISTEN -w | grep :25
    """, "seed:F02"),
    quiz(
        q(("sendmail.mc로 sendmail.cf를 만드는 명령은?", ["m4 sendmail.cf > sendmail.mc", "makemap hash sendmail.cf < sendmail.mc",
                                                      "m4 sendmail.mc > sendmail.cf", "newaliases sendmail.mc"],
           "m4가 .mc를 읽어 .cf를 표준출력으로 내보내고, >가 그것을 파일에 씁니다.",
           ["방향이 반대입니다. 입력은 .mc, 출력은 .cf입니다.", "makemap은 access 같은 맵의 .db를 만듭니다.",
            "정답: m4 sendmail.mc > sendmail.cf.", "newaliases는 별칭 DB를 만들 뿐 인자를 받지 않습니다."]),
          ("Which command builds sendmail.cf from sendmail.mc?", ["m4 sendmail.cf > sendmail.mc", "makemap hash sendmail.cf < sendmail.mc",
                                                                  "m4 sendmail.mc > sendmail.cf", "newaliases sendmail.mc"],
           "m4 reads the .mc and writes the .cf to standard output; > puts it in the file.",
           ["Backwards: the .mc is the input, the .cf the output.", "makemap builds the .db of maps such as access.",
            "Right: m4 sendmail.mc > sendmail.cf.", "newaliases builds the alias database and takes no file."]), 2),
        q(("m4로 sendmail.cf를 만들 때 필요한 패키지는?", ["sendmail-devel", "sendmail-cf", "m4-cf", "procmail"],
           "sendmail-cf에 /usr/share/sendmail-cf/의 m4 매크로(cf.m4 등)가 들어 있습니다. 정리 노트의 `sendmail -cf`는 띄어 쓴 오타입니다.",
           ["개발용 헤더와 라이브러리 패키지입니다.", "정답: sendmail-cf(붙여 씀).", "그런 패키지는 없습니다.", "procmail은 MDA입니다."]),
          ("Which package does m4 need to build sendmail.cf?", ["sendmail-devel", "sendmail-cf", "m4-cf", "procmail"],
           "sendmail-cf holds the m4 macros in /usr/share/sendmail-cf/ (cf.m4 and more); the note's `sendmail -cf` is a typo.",
           ["Headers and libraries for developers.", "Right: sendmail-cf (one word).", "No such package.", "procmail is the MDA."]), 1),
        q(("sendmail.mc 파일의 올바른 경로는?", ["/ect/mail/sendmail.mc", "/etc/sendmail/sendmail.mc", "/usr/share/sendmail.mc", "/etc/mail/sendmail.mc"],
           "/etc/mail/sendmail.mc 입니다. 정리 노트의 /ect는 /etc의 오타입니다.",
           ["/ect는 오타입니다.", "CentOS는 /etc/sendmail 디렉터리를 쓰지 않습니다.",
            "/usr/share/sendmail-cf/에는 매크로가 있을 뿐 이 서버의 .mc는 없습니다.", "정답: /etc/mail/sendmail.mc."]),
          ("Where is sendmail.mc?", ["/ect/mail/sendmail.mc", "/etc/sendmail/sendmail.mc", "/usr/share/sendmail.mc", "/etc/mail/sendmail.mc"],
           "/etc/mail/sendmail.mc; the note's /ect is a typo for /etc.",
           ["/ect is a typo.", "CentOS has no /etc/sendmail directory.",
            "/usr/share/sendmail-cf/ holds the macros, not this server's .mc.", "Right: /etc/mail/sendmail.mc."]), 3),
        q(("sendmail.mc에서 `dnl`의 뜻은?", ["그 줄 끝까지 지운다(주석처럼 쓰임)", "옵션을 켠다", "DNS 조회", "기본값"],
           "dnl(delete to new line)은 줄 끝까지를 출력에서 지웁니다. 줄 앞에 두면 그 줄이 꺼집니다.",
           ["정답: delete to new line.", "옵션을 켜는 것은 define, 기능을 켜는 것은 FEATURE입니다.",
            "DNS와 관계없습니다.", "기본값을 뜻하지 않습니다."]),
          ("What does `dnl` do in sendmail.mc?", ["deletes to the end of the line (used as a comment)", "switches an option on", "a DNS lookup", "a default value"],
           "dnl (delete to new line) drops the rest of the line from the output; at the start it switches the line off.",
           ["Right: delete to new line.", "define sets options, FEATURE switches features on.",
            "Nothing to do with DNS.", "It means no default."]), 0),
        q(("sendmail.mc의 매크로와 그것이 만드는 sendmail.cf 항목의 짝으로 옳지 않은 것은?",
           ["DAEMON_OPTIONS(`Port=smtp,Addr=127.0.0.1, Name=MTA') → O DaemonPortOptions",
            "define(`confMAX_MESSAGE_SIZE', `5000') → O MaxMessageSize=5000",
            "FEATURE(`access_db') → O AliasFile",
            "define(`confTO_QUEUERETURN', `5d') → O Timeout.queuereturn=5d"],
           "FEATURE(`access_db')는 access 맵 선언인 Kaccess 줄을 만듭니다. O AliasFile은 define(`ALIAS_FILE', ...)에서 옵니다.",
           ["옳은 짝.", "옳은 짝.", "정답(옳지 않음): access_db는 Kaccess를 만듭니다.", "옳은 짝."]),
          ("Which pairing of a sendmail.mc macro and the sendmail.cf item it makes is NOT right?",
           ["DAEMON_OPTIONS(`Port=smtp,Addr=127.0.0.1, Name=MTA') → O DaemonPortOptions",
            "define(`confMAX_MESSAGE_SIZE', `5000') → O MaxMessageSize=5000",
            "FEATURE(`access_db') → O AliasFile",
            "define(`confTO_QUEUERETURN', `5d') → O Timeout.queuereturn=5d"],
           "FEATURE(`access_db') makes the access map declaration, the Kaccess line; O AliasFile comes from define(`ALIAS_FILE', ...).",
           ["A right pair.", "A right pair.", "Right answer (not right): access_db makes Kaccess.", "A right pair."]), 2),
        q(("/etc/mail/sendmail.mc로 /etc/mail/sendmail.cf를 다시 만드는 명령을 전체 경로로 쓰세요.", [],
           "m4 /etc/mail/sendmail.mc > /etc/mail/sendmail.cf. 만든 뒤 systemctl restart sendmail로 적용합니다."),
          ("Write the command that rebuilds /etc/mail/sendmail.cf from /etc/mail/sendmail.mc, with full paths.", [],
           "m4 /etc/mail/sendmail.mc > /etc/mail/sendmail.cf, then systemctl restart sendmail applies it."),
         ["m4 /etc/mail/sendmail.mc > /etc/mail/sendmail.cf"]),
        q(("sendmail-cf가 없는 서버에서 `m4 /etc/mail/sendmail.mc > /etc/mail/sendmail.cf`를 실행했습니다. m4는 매크로 파일을 찾지 못해 실패합니다. sendmail.cf는 어떻게 될까요?",
           ["원래 내용이 그대로 남는다(셸은 m4가 성공한 뒤에야 결과를 파일에 쓴다)", "m4가 실행되기 전에 셸이 > 로 파일을 비우므로 빈 파일이 된다",
            "sendmail.cf.bak으로 저절로 백업된다", "sendmail.mc의 내용이 그대로 복사된다"],
           "bash는 명령을 실행하기 전에 > 리디렉션 파일을 열면서 내용을 비웁니다. 그래서 새 파일에 먼저 쓰고(예: > sendmail.cf.new) 확인한 뒤 옮기는 습관이 안전합니다.",
           ["셸이 먼저 파일을 비우므로 원래 내용은 사라집니다.", "정답: 빈 파일(0바이트)이 됩니다.",
            "m4도 셸도 백업을 만들지 않습니다. 백업은 직접 cp로 합니다.", "m4가 실패하면 출력도 없습니다."]),
          ("On a server without sendmail-cf you run `m4 /etc/mail/sendmail.mc > /etc/mail/sendmail.cf`. m4 fails: its macro file is missing. What becomes of sendmail.cf?",
           ["it keeps its old content: the shell writes the file only once m4 has succeeded", "the shell empties it for > before m4 even runs: it is left empty",
            "it is backed up to sendmail.cf.bak by itself", "the content of sendmail.mc is copied into it"],
           "bash opens (and truncates) the > file before running the command. Hence the habit: write to a new file first (> sendmail.cf.new), check it, then move it.",
           ["The shell empties it first, so the old content is gone.", "Right: it is left empty (0 bytes).",
            "Neither m4 nor the shell makes a backup; take one with cp.", "A failed m4 writes nothing."]), 1),
        q(("다음 sendmail.mc의 두 줄 중에서 m4로 만든 sendmail.cf에 적용되는 것은?\ndnl define(`confMAX_MESSAGE_SIZE', `10000000')dnl\nDAEMON_OPTIONS(`Port=smtp,Addr=127.0.0.1, Name=MTA')dnl",
           ["둘 다", "첫째 줄만", "둘째 줄만", "둘 다 아니다"],
           "줄 앞의 dnl이 첫째 줄 전체를 지웁니다. 둘째 줄은 O DaemonPortOptions가 됩니다(줄 끝의 dnl은 줄바꿈만 지움).",
           ["첫째 줄은 앞에 dnl이 있어 꺼져 있습니다.", "첫째 줄이 바로 꺼진 줄입니다.",
            "정답: 둘째 줄만 적용됩니다.", "둘째 줄은 끝에만 dnl이 있어 살아 있습니다."]),
          ("Which of these two sendmail.mc lines takes effect in the sendmail.cf m4 builds?\ndnl define(`confMAX_MESSAGE_SIZE', `10000000')dnl\nDAEMON_OPTIONS(`Port=smtp,Addr=127.0.0.1, Name=MTA')dnl",
           ["both", "the first only", "the second only", "neither"],
           "The leading dnl deletes the whole first line; the second becomes O DaemonPortOptions (its trailing dnl only eats the newline).",
           ["The first starts with dnl: it is off.", "The first is exactly the line switched off.",
            "Right: only the second.", "The second has dnl only at its end: it is live."]), 2),
        q(("sendmail.mc를 고친 뒤 바뀐 설정을 적용하는 순서로 알맞은 것은?",
           ["m4로 sendmail.cf를 만든 뒤 sendmail을 다시 시작한다", "sendmail을 다시 시작한 뒤 m4로 sendmail.cf를 만든다",
            "newaliases를 실행한 뒤 sendmail을 다시 시작한다", "makemap hash로 sendmail.mc.db를 만든다"],
           "sendmail이 읽는 것은 .cf입니다. .mc → (m4) → .cf → (restart) → 적용 순서입니다.",
           ["정답: 만들고 나서 다시 시작합니다.", "다시 시작할 때 읽은 .cf는 아직 예전 것입니다. 순서가 반대입니다.",
            "newaliases는 별칭 DB만 만듭니다.", ".mc는 makemap으로 만드는 맵이 아닙니다."]),
          ("You edited sendmail.mc. In which order is the change applied?",
           ["build sendmail.cf with m4, then restart sendmail", "restart sendmail, then build sendmail.cf with m4",
            "run newaliases, then restart sendmail", "build sendmail.mc.db with makemap hash"],
           "sendmail reads the .cf: .mc → (m4) → .cf → (restart) → applied.",
           ["Right: build it, then restart.", "The restart read the old .cf: the order is backwards.",
            "newaliases only builds the alias database.", "The .mc is not a map built with makemap."]), 0),
        q(("빈칸에 알맞은 것은?\nsendmail.mc의 `define(`confMAX_MESSAGE_SIZE', `5000')dnl`은 m4를 거쳐 sendmail.cf의 ( ㉠ ) 줄이 된다.",
           ["O MaxMessageSize=5000", "DMaxMessageSize5000", "CwMaxMessageSize=5000", "KMaxMessageSize 5000"],
           "define(`conf...')는 O로 시작하는 옵션 줄을 만듭니다.",
           ["정답: O MaxMessageSize=5000.", "D는 매크로 한 글자 이름(Dj, Dn)에 씁니다.",
            "Cw는 받을 호스트 이름 목록입니다.", "K는 맵 선언입니다."]),
          ("Fill the blank:\nsendmail.mc's `define(`confMAX_MESSAGE_SIZE', `5000')dnl` becomes the sendmail.cf line ( A ) through m4.",
           ["O MaxMessageSize=5000", "DMaxMessageSize5000", "CwMaxMessageSize=5000", "KMaxMessageSize 5000"],
           "define(`conf...') makes an option line starting with O.",
           ["Right: O MaxMessageSize=5000.", "D is for one-letter macros (Dj, Dn).",
            "Cw is the list of names to receive for.", "K declares maps."]), 0),
        q(("sendmail.mc에서 VRFY와 EXPN 명령을 막는 설정이 들어 있는 줄은?",
           ["FEATURE(`access_db', `hash -T<TMPF> -o /etc/mail/access.db')", "define(`ALIAS_FILE', `/etc/aliases')", "MAILER(procmail)",
            "define(`confPRIVACY_FLAGS', `novrfy,noexpn')"],
           "confPRIVACY_FLAGS는 sendmail.cf의 O PrivacyOptions가 됩니다. novrfy, noexpn이 VRFY, EXPN을 막습니다.",
           ["access_db는 접근 제어 맵(Kaccess)을 켭니다.", "별칭 파일 위치(O AliasFile)입니다.",
            "procmail 메일러(로컬 배달)를 넣습니다.", "정답: novrfy, noexpn."]),
          ("Which sendmail.mc line holds the setting that blocks the VRFY and EXPN commands?",
           ["FEATURE(`access_db', `hash -T<TMPF> -o /etc/mail/access.db')", "define(`ALIAS_FILE', `/etc/aliases')", "MAILER(procmail)",
            "define(`confPRIVACY_FLAGS', `novrfy,noexpn')"],
           "confPRIVACY_FLAGS becomes sendmail.cf's O PrivacyOptions; novrfy and noexpn block VRFY and EXPN.",
           ["access_db switches on the access map (Kaccess).", "The alias file's location (O AliasFile).",
            "Adds the procmail mailer (local delivery).", "Right: novrfy, noexpn."]), 3),
    ),
    end(),
]
