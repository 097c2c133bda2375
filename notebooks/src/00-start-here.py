from mailkit.course import code, end, md, q, quiz, start

CELLS = [
    md(ko="""
    # 00. 시작하기: 노트북 사용법

    이 과정은 리눅스마스터 1급의 **메일 관련 서비스** 단원을 직접 손으로 해 보며 익히도록 만든
    노트북 모음입니다. 노트북 안에서 진짜 메일 서버(sendmail처럼 동작하는 MTA, POP3, IMAP)가
    돌아가고, 시험에 나오는 명령(`sendmail -bp`, `mailq -Ac`, `newaliases`, `makemap`, `m4`,
    `systemctl`, `netstat`, `telnet`, `mail`)을 그대로 입력해 볼 수 있습니다.

    ## 셀 실행하기
    - 회색 칸이 **코드 셀**입니다. 셀을 클릭하고 **Shift+Enter**를 누르면 실행되고 다음 셀로 넘어갑니다.
    - 위에서 아래로 차례대로 실행하세요. 앞 셀의 결과(보낸 메일, 바꾼 설정)를 뒤 셀이 이어서 씁니다.
    - 셀의 내용은 마음껏 바꿔서 다시 실행해 보세요. 망가뜨려도 괜찮습니다.
      메뉴의 **Kernel → Restart Kernel**을 누르면 처음 상태의 새 메일 서버로 다시 시작합니다.

    ## 첫 셀: 메일 서버 켜기
    모든 장은 `%load_ext mailkit`으로 시작합니다. 이 한 줄이 이 노트북만의 메일 서버를 만들고
    켭니다. 함께 쓰는 도우미(`edit`, `smtp_send`)와 위젯도 여기서 불러옵니다.
    """, en="""
    # 00. Start here: how to use these notebooks

    This course teaches the **mail services** chapter of the Linux Master level-1 exam by doing.
    A real mail server runs inside the notebook (an MTA that behaves like sendmail, POP3 and IMAP),
    and you type the exam's commands as they are (`sendmail -bp`, `mailq -Ac`, `newaliases`,
    `makemap`, `m4`, `systemctl`, `netstat`, `telnet`, `mail`).

    ## Running cells
    - The grey boxes are **code cells**. Click one and press **Shift+Enter**: it runs and the next cell is selected.
    - Run them from top to bottom. Later cells build on what earlier ones did (mail sent, settings changed).
    - Change any cell and run it again. You cannot break anything for good:
      **Kernel → Restart Kernel** gives you a brand-new mail server in its first state.

    ## First cell: switch the mail server on
    Every chapter starts with `%load_ext mailkit`. That line makes a mail server for this notebook
    only and starts it. It also imports the helpers (`edit`, `smtp_send`) and the widgets we use.
    """),
    start(),
    md(ko="""
    ## 명령은 `%`로 시작합니다
    셸에서 치던 명령 앞에 `%`를 붙이면 노트북의 메일 서버에서 실행됩니다. 파이프(`|`)와
    리디렉션(`<`, `>`, `>>`)도 셸처럼 됩니다.
    """, en="""
    ## Commands start with `%`
    Put `%` in front of a shell command and it runs on the notebook's mail server. Pipes (`|`) and
    redirections (`<`, `>`, `>>`) work as in a shell.
    """),
    code("%ls /etc/mail"),
    code("%cat /etc/mail/local-host-names"),
    md(ko="""
    ## 샌드박스: 진짜 `/etc`는 건드리지 않습니다
    `/etc/mail/sendmail.cf`, `/var/spool/mqueue` 같은 경로는 CentOS 서버와 똑같이 보이지만,
    실제로는 이 노트북만의 임시 디렉터리(“world”) 안에 있습니다. 여러분 컴퓨터의 `/etc`는 바뀌지 않습니다.

    포트도 마찬가지입니다. 명령과 설명에서는 시험처럼 25(SMTP), 110(POP3), 143(IMAP)이라고
    부르지만, 일반 사용자는 1024 아래 포트를 열 수 없어서 실제로는 비어 있는 다른 포트를 씁니다.
    `telnet localhost 25`, `netstat`, 그리고 이 노트북 안의 Python 프로그램
    (`smtplib.SMTP("localhost", 25)`, `poplib.POP3("localhost")`, `imaplib.IMAP4("localhost")`)은
    이 연결을 알아서 맞춰 줍니다. 실제 주소가 필요하면 `mailkit.connect(25)`로 물어봅니다.
    `%mailkit status`로 실제 연결을 볼 수 있습니다.
    """, en="""
    ## The sandbox: your real `/etc` is never touched
    Paths like `/etc/mail/sendmail.cf` and `/var/spool/mqueue` look exactly as on a CentOS server,
    but they live in a temporary directory of this notebook (the "world"). Your computer's `/etc`
    does not change.

    Ports too: commands and text say 25 (SMTP), 110 (POP3) and 143 (IMAP) as the exam does, but an
    ordinary user may not open ports below 1024, so the server listens on free high ports.
    `telnet localhost 25`, `netstat` and the Python programs in this notebook
    (`smtplib.SMTP("localhost", 25)`, `poplib.POP3("localhost")`, `imaplib.IMAP4("localhost")`)
    map them for you; `mailkit.connect(25)` tells the real address when you need it.
    `%mailkit status` shows the real mapping.
    """),
    code("%mailkit status"),
    code("""
    #[ko] smtplib.SMTP("localhost", 25)는 그대로 연결됩니다. 25번 포트 뒤의 실제 주소는: #[en] smtplib.SMTP("localhost", 25) just works; the real address behind port 25 is:
    mailkit.connect(25)
    """),
    md(ko="""
    ## 실수하면 오류 메시지가 나옵니다
    없는 파일 이름을 쓰거나 옵션을 틀리면 진짜 명령처럼 오류 한 줄이 나옵니다(`UsageError`).
    아래 셀은 일부러 틀린 예입니다. 메시지를 읽고 고쳐서 다시 실행해 보세요.
    """, en="""
    ## A mistake shows an error message
    A wrong file name or option gives one error line, as the real command would (`UsageError`).
    The cell below is wrong on purpose. Read the message, fix the cell and run it again.
    """),
    code("%cat /etc/mail/local-host-name", "raises-exception"),
    md(ko="""
    ## 여러 줄 명령: `%%host`
    셀 첫 줄에 `%%host`를 쓰면 그 아래 여러 줄을 셸 스크립트처럼 차례로 실행합니다.
    어느 한 줄이 실패하면 거기서 멈춥니다.
    """, en="""
    ## Several lines: `%%host`
    With `%%host` on a cell's first line, the lines below run one after another like a shell
    script. The first line that fails stops the cell.
    """),
    code("""
    %%host
    echo "Hello from the mail host" > /tmp/hello.txt
    cat /tmp/hello.txt
    wc -l /tmp/hello.txt
    """),
    md(ko="""
    ## 도우미 두 개: `edit()`와 `smtp_send()`
    - `edit(파일, 바꿀글, 새글)`: 설정 파일의 한 부분을 바꾸고 바뀐 줄을 보여 줍니다. 실제 서버에서
      vi나 `sed -i`로 하는 일입니다. 바꿀 글이 파일에 정확히 한 번 있어야 합니다.
    - `smtp_send(받는주소, subject=..., sender=..., client=...)`: Python의 smtplib로 메일 한 통을 보내고
      telnet으로 보듯 대화 전체를 보여 줍니다(`C:`는 클라이언트가 보낸 줄, `S:`는 서버의 응답, DATA 뒤의
      354와 본문 줄까지). 다시 실행해도 되고, `edit()`도 이미 바뀐 파일은 그대로 둡니다.
      `client="127.0.0.2"`는 다른 컴퓨터
      (`client.example.com`)에서 보내는 것처럼 접속합니다.
    """, en="""
    ## Two helpers: `edit()` and `smtp_send()`
    - `edit(file, old, new)`: changes one piece of a configuration file and shows the changed line,
      what vi or `sed -i` does on a real server. The old text must occur exactly once.
    - `smtp_send(recipient, subject=..., sender=..., client=...)`: sends one message with Python's
      smtplib and shows the whole dialogue as telnet would (`C:` lines the client sent, `S:` the
      server's replies, down to the 354 after DATA and the message lines). Cells can be run again;
      `edit()` leaves a file it already changed alone. `client="127.0.0.2"` connects as if
      from another computer (`client.example.com`).
    """),
    code("""
    edit("/tmp/hello.txt", "Hello", "Goodbye")
    smtp_send("alice@localhost", subject="hello")
    """),
    md(ko="""
    ## 위젯과 퀴즈
    어떤 장은 설정을 고치거나 메일함을 들여다보는 **위젯**을 씁니다(버튼과 입력칸이 있는 화면).
    각 장의 끝에는 시험 형식의 문제가 있습니다. 답을 고르고 **확인**을 누르세요.
    """, en="""
    ## Widgets and quizzes
    Some chapters use **widgets** (small forms with buttons) to edit settings or look into mailboxes.
    Each chapter ends with exam-style questions: choose an answer and press **Check**.
    """),
    quiz(
        q(("노트북에서 셀을 실행하고 다음 셀로 넘어가는 키는?", ["Enter", "Shift+Enter", "Ctrl+C", "Esc"],
           "Shift+Enter는 지금 셀을 실행하고 다음 셀을 선택합니다.",
           ["Enter는 셀 안에서 줄을 바꿀 뿐 실행하지 않습니다.", "정답: 실행하고 다음 셀로 넘어갑니다.",
            "Ctrl+C는 고른 셀이나 글자를 복사합니다.", "Esc는 편집을 끝내고 명령 모드로 갈 뿐입니다."]),
          ("Which keys run a cell and move to the next one?", ["Enter", "Shift+Enter", "Ctrl+C", "Esc"],
           "Shift+Enter runs the current cell and selects the next one.",
           ["Enter only starts a new line inside the cell.", "Right: it runs the cell and moves on.",
            "Ctrl+C copies the selection.", "Esc leaves edit mode; nothing runs."]), 1),
        q(("`%cat /etc/mail/access`는 어느 파일을 보여 줄까요?",
           ["내 컴퓨터의 /etc/mail/access", "인터넷에서 내려받은 CentOS 7 예제 서버의 /etc/mail/access", "아무것도 보여 주지 않는다",
            "이 노트북 메일 서버(world)의 /etc/mail/access"],
           "모든 경로는 노트북마다 따로 있는 world(임시 디렉터리) 안에서 풀립니다.",
           ["내 컴퓨터의 /etc는 건드리지 않습니다. 그래서 마음껏 고쳐 볼 수 있습니다.",
            "파일을 내려받지 않습니다. 노트북의 메일 서버가 가진 파일입니다.",
            "파일이 있으면 cat처럼 내용을 보여 줍니다.", "정답: world 안의 파일입니다."]),
          ("Which file does `%cat /etc/mail/access` show?",
           ["my computer's /etc/mail/access", "an example /etc/mail/access downloaded from a CentOS 7 server on the internet", "nothing",
            "/etc/mail/access of this notebook's mail server (the world)"],
           "Every path resolves inside the notebook's own world, a private temporary directory.",
           ["Your computer's /etc is never touched, which is why you can change things freely.",
            "Nothing is downloaded: it is a file of the notebook's mail server.",
            "When the file exists it prints it, as cat does.", "Right: the file inside the world."]), 3),
        q(("이 과정의 샌드박스(world)에 대한 설명으로 옳지 않은 것은?",
           ["/etc/mail/sendmail.cf는 노트북마다 따로 있는 디렉터리 안에 있다",
            "Kernel → Restart Kernel을 하면 처음 상태의 새 메일 서버로 시작한다",
            "셀에서 고친 설정 파일은 내 컴퓨터의 /etc에도 함께 저장된다",
            "telnet localhost 25는 실제로 열린 다른 포트로 이어진다"],
           "world는 노트북만의 임시 디렉터리입니다. 내 컴퓨터의 /etc는 바뀌지 않습니다.",
           ["옳은 설명: 경로는 CentOS와 같아 보이지만 world 안에 있습니다.",
            "옳은 설명: 다시 시작하면 새 world로 시작합니다.",
            "정답(옳지 않음): 내 컴퓨터의 /etc에는 아무것도 쓰지 않습니다.",
            "옳은 설명: 일반 사용자는 1024 아래 포트를 열 수 없어서 다른 포트를 쓰고, telnet과 netstat이 맞춰 줍니다."]),
          ("Which statement about the course's sandbox (the world) is NOT true?",
           ["/etc/mail/sendmail.cf lives in a directory of this notebook's own",
            "Kernel → Restart Kernel starts a fresh mail server",
            "a configuration file changed in a cell is also saved to my computer's /etc",
            "telnet localhost 25 reaches the port really opened instead"],
           "The world is the notebook's own temporary directory; your computer's /etc does not change.",
           ["True: the paths look like CentOS but live in the world.",
            "True: a restart begins with a new world.",
            "Right (not true): nothing is written to your computer's /etc.",
            "True: a normal user cannot open ports below 1024, so another port is used and telnet and netstat map it."]), 2),
        q(("모든 장의 첫 코드 셀에서 이 노트북만의 메일 서버를 만들고 켜는 한 줄을 쓰세요.", [],
           "`%load_ext mailkit`이 메일 서버를 켜고 도우미와 위젯을 불러옵니다. 마지막 셀의 `%unload_ext mailkit`은 서버를 끕니다."),
          ("Write the one line of every chapter's first code cell that creates and starts this notebook's mail server.", [],
           "`%load_ext mailkit` starts the mail server and loads the helpers and widgets; the last cell's `%unload_ext mailkit` stops it."),
         ["%load_ext mailkit"]),
        q(("`%%host`로 시작하는 셀에서 세 줄 중 두 번째 줄이 실패하면 어떻게 될까요?",
           ["두 번째 줄에서 멈추고 세 번째 줄은 실행하지 않는다", "오류를 무시하고 세 번째 줄까지 모두 실행하며 오류는 화면에 보여 주지 않는다",
            "셀 전체를 처음부터 다시 실행한다", "첫 번째 줄의 결과까지 되돌린다"],
           "`%%host`는 셸 스크립트처럼 한 줄씩 실행하다가 실패한 줄에서 멈춥니다.",
           ["정답: 실패한 줄에서 멈추고 오류를 보여 줍니다.", "오류를 숨기지 않습니다. 실패한 줄의 오류를 그대로 보여 줍니다.",
            "저절로 다시 실행하지 않습니다. 고친 뒤 직접 다시 실행합니다.",
            "이미 실행된 줄의 결과는 되돌리지 않습니다(셸과 같음)."]),
          ("In a cell starting with `%%host`, the second of three lines fails. What happens?",
           ["it stops at the second line; the third does not run", "all three lines run to the end and the error message is hidden from the output",
            "the whole cell runs again from the start", "the first line's effect is undone"],
           "`%%host` runs the lines like a shell script and stops at the line that fails.",
           ["Right: it stops there and shows the error.", "The error is not hidden: the failing line's message is shown.",
            "Nothing reruns by itself; fix the cell and run it again.",
            "Lines already run are not undone, as in a shell."]), 0),
        q(("`smtp_send(\"dave@example.com\", client=\"127.0.0.2\")`에서 `client=\"127.0.0.2\"`의 뜻은?",
           ["받는 사람을 127.0.0.2로 바꾼다", "보내는 메일의 크기를 127바이트 아래로 제한해서 큰 메일은 거절되게 한다",
            "다른 컴퓨터(client.example.com)에서 접속한 것처럼 보낸다", "메일을 큐에만 넣는다"],
           "127.0.0.2는 이 과정의 /etc/hosts에서 다른 컴퓨터 client.example.com입니다. 릴레이 시험에 씁니다.",
           ["받는 사람은 첫 번째 인자(dave@example.com)입니다.", "크기는 size= 인자가 정합니다.",
            "정답: 보내는 쪽의 주소(출발지 IP)를 정합니다.", "큐에만 넣는 것은 O DeliveryMode=queueonly의 일입니다."]),
          ("In `smtp_send(\"dave@example.com\", client=\"127.0.0.2\")`, what does `client=\"127.0.0.2\"` do?",
           ["changes the recipient to 127.0.0.2", "limits the message to 127 bytes so that larger messages are refused",
            "connects as if from another machine (client.example.com)", "only queues the message"],
           "In the course's /etc/hosts, 127.0.0.2 is another machine, client.example.com; relay tests use it.",
           ["The recipient is the first argument (dave@example.com).", "The size= argument sets the size.",
            "Right: it sets the sending side's (source) address.", "Queue-only is O DeliveryMode=queueonly's job."]), 2),
    ),
    md(ko="""
    ## 마지막 셀: 메일 서버 끄기
    각 장의 마지막 셀은 메일 서버를 멈춥니다(포트가 다시 비워집니다). 다음 장은 새 서버로 시작합니다.
    """, en="""
    ## Last cell: switch the mail server off
    Each chapter's last cell stops the mail server (its ports are free again). The next chapter
    starts with a fresh one.
    """),
    end(),
]
