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
        q(("sendmail을 설치하는 명령으로 옳은 것은?", ["yum -y install sendmail", "yum -y sendmail install",
                                                   "systemctl install sendmail", "rpm -y install sendmail"],
           "yum -y install 패키지명 입니다."),
          ("Which command installs sendmail?", ["yum -y install sendmail", "yum -y sendmail install",
                                               "systemctl install sendmail", "rpm -y install sendmail"],
           "yum -y install PACKAGE."), 0),
        q(("부팅할 때 sendmail이 자동으로 시작되게 하는 명령은?", ["systemctl start sendmail.service",
                                                         "systemctl enable sendmail.service",
                                                         "systemctl restart sendmail.service", "chkconfig sendmail start"],
           "enable은 부팅 때 시작, start는 지금 시작입니다."),
          ("Which command makes sendmail start at boot?", ["systemctl start sendmail.service",
                                                           "systemctl enable sendmail.service",
                                                           "systemctl restart sendmail.service", "chkconfig sendmail start"],
           "enable: at boot; start: now."), 1),
        q(("sendmail이 25번 포트를 쓰지 못할 때 먼저 멈출 서비스는?", ["dovecot", "postfix", "httpd", "named"],
           "postfix도 MTA라서 25번 포트를 씁니다: systemctl stop postfix.service"),
          ("sendmail cannot get port 25. Which service do you stop first?", ["dovecot", "postfix", "httpd", "named"],
           "postfix is an MTA too and listens on 25: systemctl stop postfix.service"), 1),
        q(("`netstat -anp | grep LISTEN -w | grep :25`에서 -p 옵션이 보여 주는 것은?",
           ["포트 번호", "프로토콜", "PID와 프로그램 이름", "패킷 수"], "-p는 소켓을 연 프로세스(PID/이름)를 보여 줍니다."),
          ("In `netstat -anp | grep LISTEN -w | grep :25`, what does -p add?",
           ["the port number", "the protocol", "the PID and program name", "packet counts"],
           "-p shows the process (PID/name) that owns the socket."), 2),
    ),
    end(),
]
