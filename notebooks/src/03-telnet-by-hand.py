from mailkit.course import code, end, md, q, quiz, start

CELLS = [
    md(ko="""
    # 03. telnet으로 직접 메일 보내기

    메일 프로그램이 뒤에서 하는 일을 사람이 직접 해 봅니다. `telnet localhost 25`로 SMTP 서버에
    접속해서 SMTP 명령을 한 줄씩 입력하면 메일이 보내집니다. 서버가 제대로 동작하는지 점검할 때
    관리자가 실제로 쓰는 방법입니다.
    """, en="""
    # 03. Sending mail by hand with telnet

    Do by hand what a mail program does behind the scenes: connect to the SMTP server with
    `telnet localhost 25` and type SMTP commands line by line. Administrators really do this to
    check that a server works.
    """),
    start(),
    md(ko="""
    ## telnet 설치
    telnet 클라이언트가 없으면 `yum -y install telnet`으로 설치합니다.
    """, en="""
    ## Installing telnet
    If the telnet client is missing, install it with `yum -y install telnet`.
    """),
    code("%yum -y install telnet", "seed:T01"),
    md(ko="""
    ## SMTP 대화 한 번
    | 입력 | 뜻 | 성공 응답 |
    | --- | --- | --- |
    | `EHLO 내이름` | 인사(확장 SMTP). 서버가 지원하는 기능을 알려 줌 | 250 |
    | `MAIL FROM:<보내는주소>` | 봉투의 보내는 사람 | 250 |
    | `RCPT TO:<받는주소>` | 봉투의 받는 사람(여러 번 가능) | 250 |
    | `DATA` | 이제 본문을 보냄. 헤더, 빈 줄, 본문, 그리고 `.` 한 줄로 끝 | 354, 끝나면 250 |
    | `QUIT` | 연결 끝 | 221 |

    아래 셀의 내용이 그대로 한 줄씩 입력됩니다. 받는 사람이나 제목을 바꿔서 다시 실행해 보세요.
    """, en="""
    ## One SMTP conversation
    | Typed | Meaning | Success reply |
    | --- | --- | --- |
    | `EHLO myname` | greeting (extended SMTP); the server lists what it supports | 250 |
    | `MAIL FROM:<sender>` | the envelope sender | 250 |
    | `RCPT TO:<recipient>` | an envelope recipient (may repeat) | 250 |
    | `DATA` | the message follows: headers, blank line, body, and a line with `.` alone | 354, then 250 |
    | `QUIT` | hang up | 221 |

    The cell's lines are typed one by one. Change the recipient or subject and run it again.
    """),
    code("""
    %%telnet localhost 25
    EHLO localhost
    MAIL FROM:<bob@localhost>
    RCPT TO:<alice@localhost>
    DATA
    From: Bob <bob@localhost>
    To: Alice <alice@localhost>
    Subject: typed by hand

    Hello Alice,
    this message was typed into telnet line by line.
    .
    QUIT
    """, "seed:T01", "seed:P01"),
    code("%cat /var/spool/mail/alice", "seed:T01"),
    md(ko="""
    메일함 파일(mbox)을 그대로 열어 보았습니다. `Received:` 헤더는 MTA가 붙인 것입니다. 누가(from localhost [127.0.0.1]) 어느 서버에(by ...)
    언제 넘겼는지 적혀 있습니다. `Return-Path:`는 봉투의 `MAIL FROM` 주소입니다.

    ## 틀리면 어떻게 되나
    순서를 어기거나 없는 사용자에게 보내면 서버가 4xx/5xx 코드로 거절합니다.
    """, en="""
    That is the mailbox file (mbox) as stored. The `Received:` header was added by the MTA: who handed the message over (from localhost
    [127.0.0.1]), to which server (by ...) and when. `Return-Path:` is the envelope's `MAIL FROM`.

    ## What if you get it wrong
    Out-of-order commands and unknown users are refused with 4xx/5xx codes.
    """),
    code("""
    %%telnet localhost 25
    HELO localhost
    RCPT TO:<alice@localhost>
    MAIL FROM:<bob@localhost>
    RCPT TO:<nosuchuser@localhost>
    DATA
    QUIT
    """, "seed:T01"),
    md(ko="""
    - `503 5.0.0 Need MAIL before RCPT`: `RCPT`보다 `MAIL`이 먼저입니다.
    - `550 5.1.1 ... User unknown`: 이 서버에 그런 계정이 없습니다.
    - `503 5.0.0 Need RCPT (recipient)`: 받는 사람이 하나도 없으니 `DATA`를 받을 수 없습니다.

    ## 직접 쳐 보기: Telnet 위젯
    이번에는 한 줄씩 직접 입력해 보세요. 입력칸에 위의 명령을 차례로 쓰고 Enter(또는 **보내기**)를
    누르면 서버의 응답이 바로 나타납니다. 다 했으면 `QUIT`을 보내거나 **끊기**를 누르세요.
    """, en="""
    - `503 5.0.0 Need MAIL before RCPT`: `MAIL` comes before `RCPT`.
    - `550 5.1.1 ... User unknown`: no such account on this server.
    - `503 5.0.0 Need RCPT (recipient)`: no recipient was accepted, so no `DATA`.

    ## Type it yourself: the Telnet widget
    Now type line by line: enter the commands above in the box, one after another, and press
    Enter (or **Send**); the server's reply appears at once. When done, send `QUIT` or press **Hang up**.
    """),
    code("""
    session = Telnet(port=25)
    session.wait_for("220")
    session
    """, "seed:T01"),
    quiz(
        q(("telnet으로 메일 서버에 접속하는 명령은?", ["telnet localhost 25", "telnet localhost 110",
                                                 "telnet 25 localhost", "telnet -p 25"],
           "telnet 호스트 포트 순서이고, SMTP는 25번입니다."),
          ("Which command connects to the mail server with telnet?", ["telnet localhost 25", "telnet localhost 110",
                                                                      "telnet 25 localhost", "telnet -p 25"],
           "telnet HOST PORT; SMTP is port 25."), 0),
        q(("DATA로 본문을 보낸 뒤 본문의 끝을 알리는 줄은?", ["빈 줄", "점(.) 하나뿐인 줄", "QUIT", "END"],
           "점 하나만 있는 줄이 본문의 끝입니다. 빈 줄은 헤더와 본문을 나눕니다."),
          ("After DATA, which line ends the message?", ["an empty line", "a line with a single dot (.)", "QUIT", "END"],
           "A line with only a dot ends it; an empty line separates headers from body."), 1),
        q(("SMTP 응답 코드 354의 뜻은?", ["명령 성공", "본문을 보내라(계속)", "일시적 실패", "영구적 실패"],
           "3xx는 계속 입력하라는 뜻입니다. 354: End data with <CR><LF>.<CR><LF>"),
          ("What does SMTP reply code 354 mean?", ["success", "go on and send the message", "temporary failure", "permanent failure"],
           "3xx means: go on. 354: End data with <CR><LF>.<CR><LF>"), 1),
        q(("telnet 클라이언트가 없을 때 설치하는 명령은?", ["yum -y install telnet", "yum -y install telnetd",
                                                      "systemctl start telnet", "rpm -e telnet"], ""),
          ("The telnet client is missing. Which command installs it?", ["yum -y install telnet", "yum -y install telnetd",
                                                                        "systemctl start telnet", "rpm -e telnet"], ""), 0),
    ),
    end(),
]
