from mailkit.course import code, end, md, q, quiz, start

CELLS = [
    md(ko="""
    # 02. sendmail 설치와 시작

    CentOS 계열에서 메일 서버를 준비하는 순서는 **설치(yum) → 시작(systemctl start) → 확인(netstat)
    → 부팅 때 자동 시작(systemctl enable)** 입니다. 이 장에서 차례대로 해 봅니다.
    """, en="""
    # 02. Installing and starting sendmail

    On a CentOS-style host, a mail server is set up in this order: **install (yum) -> start
    (systemctl start) -> check (netstat) -> start at boot (systemctl enable)**. This chapter
    goes through each step.
    """),
    start(),
    md(ko="""
    ## 설치: `yum -y install sendmail`
    `-y`는 “설치할까요?”라는 질문에 미리 yes라고 답하는 옵션입니다. 이 서버에는 sendmail이
    이미 설치되어 있어서 yum이 그렇게 알려 줍니다. `sendmail.mc`로 설정 파일을 만들 때 필요한
    매크로 패키지 **sendmail-cf**는 아직 없으므로 함께 설치합니다(5장에서 씁니다).
    """, en="""
    ## Install: `yum -y install sendmail`
    `-y` answers yes in advance to "Is this ok?". sendmail is already installed on this host,
    and yum says so. The macro package **sendmail-cf**, needed to build the configuration from
    `sendmail.mc`, is not there yet, so we install it as well (chapter 05 uses it).
    """),
    code("%yum -y install sendmail sendmail-cf", "seed:I01"),
    code("%rpm -q sendmail sendmail-cf m4 procmail", "seed:I01"),
    md(ko="""
    > 버전 이야기: CentOS 7이 실제로 주는 sendmail은 8.14.7입니다. 이 메일 호스트는 디렉터리 구성과
    > 설정 파일은 CentOS 7 그대로이지만, 프로그램은 **sendmail 8.17.1.9**처럼 동작합니다. 그 버전의
    > 실제 sendmail과 같은 입력을 주고 응답을 한 줄씩 비교해 확인하기 때문입니다. 그래서 rpm, 인사말(220),
    > Received 헤더, 로그가 모두 8.17.1.9를 말합니다. 시험에 나오는 명령과 파일은 두 버전이 같습니다.

    `-y` 없이 실행하면 yum이 확인을 기다리다가, 답이 없으면 아무것도 설치하지 않고 끝납니다.
    """, en="""
    > About the version: the sendmail CentOS 7 really ships is 8.14.7. This mail host keeps
    > CentOS 7's directories and configuration files, but its program behaves like **sendmail
    > 8.17.1.9**, because it is checked reply by reply against that real version. So rpm, the
    > greeting (220), Received headers and the logs all say 8.17.1.9. The commands and files the
    > exam asks about are the same in both versions.

    Without `-y`, yum waits for a confirmation; with no answer it installs nothing.
    """),
    code("%yum install mutt"),
    md(ko="""
    ## 시작하고 확인하기
    `systemctl start sendmail.service`로 시작하고, `netstat -anp | grep LISTEN -w | grep :25`로
    25번 포트에서 기다리는지(LISTEN) 확인합니다. `-a` 모든 소켓, `-n` 숫자로, `-p` 프로그램 이름.
    `grep -w`는 단어 전체가 같을 때만 고릅니다.
    """, en="""
    ## Start and check
    `systemctl start sendmail.service` starts it; `netstat -anp | grep LISTEN -w | grep :25` shows
    whether something waits (LISTEN) on port 25. `-a` all sockets, `-n` numeric, `-p` the program.
    `grep -w` matches whole words only.
    """),
    code("%systemctl start sendmail.service", "seed:S01"),
    code("%netstat -anp | grep LISTEN -w | grep :25", "seed:S01"),
    code("%systemctl status sendmail.service", "seed:S01"),
    md(ko="""
    `Loaded:` 줄의 `disabled`는 “부팅할 때 자동으로 시작하지 않음”이라는 뜻입니다.
    `systemctl enable`로 바꿉니다.
    """, en="""
    `disabled` on the `Loaded:` line means "not started at boot". `systemctl enable` changes that.
    """),
    code("""
    %%host
    systemctl enable sendmail.service
    systemctl is-enabled sendmail.service
    """, "seed:S01"),
    md(ko="""
    ## postfix가 25번 포트를 쓰고 있다면
    CentOS에는 기본 MTA로 postfix가 깔려 있는 경우가 많습니다. 한 포트는 한 프로그램만 열 수 있으므로,
    postfix가 25번을 잡고 있으면 sendmail은 시작하지 못합니다. 직접 만들어 봅시다.
    """, en="""
    ## When postfix holds port 25
    CentOS often comes with postfix as its MTA. Only one program can listen on a port, so while
    postfix holds 25, sendmail cannot start. Let's cause that on purpose.
    """),
    code("""
    %%host
    yum -y install postfix > /dev/null
    systemctl stop sendmail.service
    systemctl start postfix.service
    netstat -anp | grep LISTEN -w | grep :25
    """, "seed:S02"),
    md(ko="""
    이제 25번은 postfix(`master`)의 것입니다. sendmail을 시작하면 실패합니다.
    """, en="""
    Port 25 now belongs to postfix (`master`). Starting sendmail fails.
    """),
    code("%systemctl start sendmail.service", "seed:S02", "raises-exception"),
    code("%systemctl status sendmail.service | grep -i -E 'active|address'", "seed:S02"),
    md(ko="""
    시험에 나오는 해결책: **postfix를 멈추고** sendmail을 시작합니다. 부팅 때도 postfix가 먼저
    뜨지 않게 하려면 `systemctl disable postfix.service`도 합니다.
    """, en="""
    The exam's fix: **stop postfix**, then start sendmail. So that postfix does not grab the port
    again at boot, also run `systemctl disable postfix.service`.
    """),
    code("""
    %%host
    systemctl stop postfix.service
    systemctl disable postfix.service
    systemctl start sendmail.service
    netstat -anp | grep LISTEN -w | grep :25
    """, "seed:S02"),
    md(ko="""
    ## 직접 문 두드려 보기: Telnet 위젯
    아래 위젯은 25번 포트에 연결된 telnet 창입니다. 서버의 첫 인사(220)가 보이면 sendmail이
    제대로 떠 있는 것입니다. 입력칸에 `EHLO localhost`를 쳐 보고, 다 보면 `QUIT`을 보내거나 **끊기**를
    누르세요. **다시 연결**로 새로 접속할 수 있고, 보낸 줄은 **이전 입력** 목록에서 다시 고를 수 있습니다.
    """, en="""
    ## Knock on the door: the Telnet widget
    The widget below is a telnet window connected to port 25. If the server's greeting (220)
    shows, sendmail is up. Type `EHLO localhost` in the box, and send `QUIT` or press **Hang up**
    when done. **Reconnect** opens a new connection; lines you sent can be picked again from **history**.
    """),
    code("""
    knock = Telnet(port=25)
    knock.wait_for("220")
    knock
    """),
    quiz(
        q(("sendmail을 설치하는 명령으로 옳은 것은?", ["yum -y sendmail install", "yum -y install sendmail",
                                                   "systemctl install sendmail", "rpm -y install sendmail"],
           "`yum -y install 패키지명` 형식입니다. -y는 “설치할까요?”에 미리 yes라고 답합니다.",
           ["yum은 하위 명령(install)이 패키지 이름보다 먼저 옵니다.", "정답: yum -y install sendmail.",
            "systemctl은 서비스를 시작하고 멈출 뿐 패키지를 설치하지 않습니다.", "rpm에는 -y 옵션도 install 하위 명령도 없습니다."]),
          ("Which command installs sendmail?", ["yum -y sendmail install", "yum -y install sendmail",
                                               "systemctl install sendmail", "rpm -y install sendmail"],
           "`yum -y install PACKAGE`; -y answers yes to \"Is this ok?\" in advance.",
           ["yum's subcommand (install) comes before the package name.", "Right: yum -y install sendmail.",
            "systemctl starts and stops services; it installs nothing.", "rpm has neither a -y option nor an install subcommand."]), 1),
        q(("부팅할 때 sendmail이 자동으로 시작되게 하는 명령은?", ["systemctl start sendmail.service",
                                                         "systemctl restart sendmail.service",
                                                         "systemctl enable sendmail.service", "systemctl status sendmail.service"],
           "enable은 부팅 때 시작하도록 등록하고, start는 지금 시작합니다.",
           ["start는 지금 한 번 시작할 뿐 부팅 설정은 바꾸지 않습니다.", "restart는 지금 멈췄다 다시 시작합니다.",
            "정답: enable은 부팅 때 자동 시작을 켭니다.", "status는 상태를 보여 줄 뿐 아무것도 바꾸지 않습니다."]),
          ("Which command makes sendmail start at boot?", ["systemctl start sendmail.service",
                                                           "systemctl restart sendmail.service",
                                                           "systemctl enable sendmail.service", "systemctl status sendmail.service"],
           "enable registers the service to start at boot; start starts it now.",
           ["start starts it once, now; the boot setting stays.", "restart stops it and starts it again now.",
            "Right: enable switches on the start at boot.", "status only shows the state."]), 2),
        q(("sendmail이 25번 포트를 열지 못할 때 먼저 멈출 서비스는?", ["dovecot", "httpd", "named", "postfix"],
           "postfix도 MTA라서 25번 포트를 씁니다. 한 포트는 한 프로그램만 열 수 있습니다.",
           ["dovecot은 110, 143번(POP3, IMAP)을 씁니다.", "httpd는 웹 서버(80, 443)입니다.",
            "named는 DNS 서버(53)입니다.", "정답: systemctl stop postfix.service."]),
          ("sendmail cannot open port 25. Which service do you stop first?", ["dovecot", "httpd", "named", "postfix"],
           "postfix is an MTA too and listens on 25; only one program can open a port.",
           ["dovecot uses 110 and 143 (POP3, IMAP).", "httpd is the web server (80, 443).",
            "named is the DNS server (53).", "Right: systemctl stop postfix.service."]), 3),
        q(("`netstat -anp | grep LISTEN -w | grep :25`에서 -p 옵션이 보여 주는 것은?",
           ["PID와 프로그램 이름", "포트 번호", "프로토콜", "주고받은 패킷 수"],
           "-p는 소켓을 연 프로세스(PID/이름)를 보여 줍니다. 그래서 25번을 누가 잡았는지 압니다.",
           ["정답: 예) 1201/sendmail.", "포트 번호는 -p 없이도 나옵니다. -n은 이름 대신 숫자로 보여 줍니다.",
            "프로토콜(tcp/udp)은 옵션 없이도 첫 칸에 나옵니다.", "패킷 수는 netstat -s(통계)가 보여 줍니다."]),
          ("In `netstat -anp | grep LISTEN -w | grep :25`, what does -p add?",
           ["the PID and program name", "the port number", "the protocol", "packet counts"],
           "-p shows the process (PID/name) owning the socket, so you see who holds port 25.",
           ["Right: e.g. 1201/sendmail.", "Ports show without -p; -n prints numbers instead of names.",
            "The protocol (tcp/udp) is always the first column.", "Packet counts come from netstat -s (statistics)."]), 0),
        q(("postfix를 멈추는 명령을 쓰세요(서비스 이름은 postfix.service).", [],
           "systemctl stop 서비스. 부팅 때도 뜨지 않게 하려면 systemctl disable postfix.service도 합니다."),
          ("Write the command that stops postfix (the service is postfix.service).", [],
           "systemctl stop SERVICE; to keep it from starting at boot, also systemctl disable postfix.service."),
         ["systemctl stop postfix.service", "systemctl stop postfix"]),
        q(("다음 출력을 보고 옳은 것을 고르세요.\n"
           "● sendmail.service - Sendmail Mail Transport Agent\n"
           "   Loaded: loaded (/usr/lib/systemd/system/sendmail.service; disabled; vendor preset: disabled)\n"
           "   Active: active (running) since Mon 2026-11-30 09:00:00 KST",
           ["sendmail은 멈춰 있고 부팅 때 시작된다", "sendmail은 지금 돌고 있지만 부팅 때는 저절로 시작되지 않는다",
            "sendmail은 설치되어 있지 않다", "sendmail은 지금 돌고 있고, 부팅할 때도 systemd가 자동으로 시작한다"],
           "Active 줄이 지금 상태(running), Loaded 줄의 disabled가 부팅 설정(자동 시작 안 함)입니다.",
           ["Active가 active (running)이므로 멈춰 있지 않고, disabled라 부팅 때 시작하지도 않습니다.",
            "정답: running이고 disabled입니다. systemctl enable이 필요합니다.",
            "Loaded: loaded는 설치되어 서비스 파일이 읽혔다는 뜻입니다.", "disabled이므로 부팅 때는 시작되지 않습니다."]),
          ("Read this output. Which is true?\n"
           "● sendmail.service - Sendmail Mail Transport Agent\n"
           "   Loaded: loaded (/usr/lib/systemd/system/sendmail.service; disabled; vendor preset: disabled)\n"
           "   Active: active (running) since Mon 2026-11-30 09:00:00 KST",
           ["sendmail is stopped and starts at boot", "sendmail runs now but will not start by itself at boot",
            "sendmail is not installed", "sendmail runs now, and systemd will start it by itself at every boot too"],
           "The Active line is the state now (running); disabled on the Loaded line is the boot setting (no start).",
           ["Active says running, so it is not stopped; disabled means no start at boot either.",
            "Right: running and disabled; systemctl enable is needed.",
            "Loaded: loaded means it is installed and its unit file was read.", "disabled: it does not start at boot."]), 1),
        q(("yum과 rpm에 대한 설명으로 옳지 않은 것은?",
           ["yum은 필요한 패키지(의존성)를 함께 설치한다", "rpm -q sendmail은 sendmail이 설치되었는지 보여 준다",
            "`-y` 없이 yum install을 실행하고 확인에 답하지 않으면 아무것도 설치하지 않는다",
            "`yum -y install sendmail`은 sendmail 서비스를 바로 시작하고 부팅 때 자동 시작도 켠다"],
           "설치와 시작은 따로입니다. 설치 뒤 systemctl start, systemctl enable을 해야 합니다.",
           ["옳은 설명: 의존 패키지를 찾아 함께 설치합니다.", "옳은 설명: 설치된 버전이나 'not installed'를 보여 줍니다.",
            "옳은 설명: 확인을 기다리다 답이 없으면 끝납니다.", "정답(옳지 않음): yum은 설치만 합니다. 시작과 enable은 systemctl로 합니다."]),
          ("Which statement about yum and rpm is NOT true?",
           ["yum installs the packages a package needs (dependencies) too", "rpm -q sendmail shows whether sendmail is installed",
            "yum install without `-y`, left unanswered, installs nothing",
            "`yum -y install sendmail` also starts the service and enables it at boot"],
           "Installing and starting are separate: systemctl start and systemctl enable come after.",
           ["True: it resolves and installs dependencies.", "True: it prints the version or 'not installed'.",
            "True: it waits for the answer and ends without one.", "Right (not true): yum only installs; start and enable are systemctl's."]), 3),
        q(("m4로 sendmail.mc에서 sendmail.cf를 만들 때 sendmail과 함께 설치해야 하는 패키지는?",
           ["sendmail-devel", "procmail", "sendmail-cf", "m4-macros"],
           "sendmail-cf에 /usr/share/sendmail-cf/의 m4 매크로가 들어 있습니다.",
           ["sendmail-devel은 프로그램 개발용 헤더와 라이브러리입니다.", "procmail은 MDA입니다.",
            "정답: yum -y install sendmail-cf.", "그런 이름의 패키지는 없습니다."]),
          ("Which package must be installed with sendmail to build sendmail.cf from sendmail.mc with m4?",
           ["sendmail-devel", "procmail", "sendmail-cf", "m4-macros"],
           "sendmail-cf holds the m4 macros in /usr/share/sendmail-cf/.",
           ["sendmail-devel holds headers and libraries for developers.", "procmail is the MDA.",
            "Right: yum -y install sendmail-cf.", "No package has that name."]), 2),
        q(("빈칸에 알맞은 옵션은?\nnetstat -anp | grep LISTEN ( ㉠ ) | grep :25\n(ESTABLISHED 같은 다른 줄을 빼고 LISTEN이라는 단어와 꼭 같은 것만 고름)",
           ["-v", "-i", "-c", "-w"],
           "grep -w는 단어 전체가 일치하는 줄만 고릅니다.",
           ["-v는 반대로, 일치하지 않는 줄을 고릅니다.", "-i는 대소문자를 가리지 않을 뿐입니다.",
            "-c는 줄 대신 일치한 줄의 수를 셉니다.", "정답: -w(word)."]),
          ("Fill the blank:\nnetstat -anp | grep LISTEN ( A ) | grep :25\n(keep only lines where LISTEN is a whole word)",
           ["-v", "-i", "-c", "-w"],
           "grep -w selects lines where the whole word matches.",
           ["-v does the opposite: lines that do not match.", "-i only ignores case.",
            "-c counts matching lines instead of printing them.", "Right: -w (word)."]), 3),
        q(("sendmail 서비스를 지금 시작하는 명령을 쓰세요.", [],
           "systemctl start 서비스이름. 부팅 때 시작은 enable, 다시 시작은 restart입니다."),
          ("Write the command that starts the sendmail service now.", [],
           "systemctl start SERVICE; enable is for boot, restart starts it again."),
         ["systemctl start sendmail.service", "systemctl start sendmail"]),
        q(("postfix가 25번 포트를 쓰는 중에 `systemctl start sendmail.service`를 실행했습니다. 결과로 알맞은 것은?",
           ["sendmail이 시작되지 못한다(주소가 이미 쓰이는 중)", "postfix가 저절로 멈추고 그 자리에서 sendmail이 25번 포트를 넘겨받아 시작된다",
            "두 프로그램이 25번 포트를 나누어 쓴다", "sendmail이 26번 포트에서 대신 시작한다"],
           "한 포트는 한 프로그램만 열 수 있습니다. 먼저 systemctl stop postfix.service를 합니다.",
           ["정답: sendmail은 25번을 열지 못해 실패합니다.", "systemctl은 다른 서비스를 저절로 멈추지 않습니다.",
            "같은 주소와 포트를 두 프로그램이 함께 열 수 없습니다.", "sendmail은 다른 포트를 스스로 고르지 않습니다."]),
          ("postfix holds port 25 and you run `systemctl start sendmail.service`. What happens?",
           ["sendmail fails to start (address already in use)", "postfix stops by itself and sendmail takes over port 25 in its place",
            "the two programs share port 25", "sendmail starts on port 26 instead"],
           "Only one program can open a port: run systemctl stop postfix.service first.",
           ["Right: sendmail cannot open 25 and fails.", "systemctl never stops another service by itself.",
            "Two programs cannot open the same address and port.", "sendmail does not pick another port by itself."]), 0),
    ),
    end(),
]
