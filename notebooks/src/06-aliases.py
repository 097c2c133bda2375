from mailkit.course import code, end, md, q, quiz, start

CELLS = [
    md(ko="""
    # 06. /etc/aliases와 newaliases

    `/etc/aliases`는 **메일 별칭** 파일입니다. 어떤 이름으로 온 메일을 다른 계정(들)로 넘겨 줍니다.
    `webmaster`처럼 여러 사람이 함께 받아야 하는 주소에 주로 씁니다.

    ```
    이름: 받을곳, 받을곳, ...
    webmaster: ihduser, kaituser
    admin: :include:/etc/mail_admin
    ```

    - 받을 곳이 여럿이면 <strong>쉼표(,)</strong>로 구분합니다.
    - `:include:파일`은 받을 사람 목록을 다른 파일에서 읽습니다.
    - sendmail이 실제로 읽는 것은 텍스트 파일이 아니라 <strong>`/etc/aliases.db`</strong>입니다. 그래서 고친 뒤에는
      반드시 **`newaliases`**(또는 같은 일을 하는 **`sendmail -bi`**)로 .db를 다시 만들어야 합니다.

    > ✏️ 바로잡기: 정리 노트의 예 `webmaster: ihduser. kaituser`는 마침표가 아니라 **쉼표**입니다:
    > `webmaster: ihduser, kaituser`. 형식도 `[수신계정]:[전달계정]` 한 쌍이 아니라
    > `이름: 받을곳, 받을곳 ...`입니다.
    """, en="""
    # 06. /etc/aliases and newaliases

    `/etc/aliases` is the **mail alias** file: mail for a name is passed on to other account(s).
    It is mostly used for addresses several people share, like `webmaster`.

    ```
    name: target, target, ...
    webmaster: ihduser, kaituser
    admin: :include:/etc/mail_admin
    ```

    - Several targets are separated by **commas**.
    - `:include:FILE` reads the list of targets from another file.
    - sendmail does not read the text file but **`/etc/aliases.db`**. After a change, rebuild the
      .db with **`newaliases`** (or **`sendmail -bi`**, which does the same).

    > ✏️ Correction: the study note's example `webmaster: ihduser. kaituser` needs a **comma**, not a
    > period: `webmaster: ihduser, kaituser`. And an entry is `name: target, target ...`, not just
    > one `[recipient]:[target]` pair.
    """),
    start(),
    code("%tail -6 /etc/aliases", "seed:F03"),
    md(ko="""
    ## 별칭 추가하기
    `webmaster`는 두 사람에게, `admin`은 `/etc/mail_admin`에 적힌 사람들에게 가도록 합니다.
    """, en="""
    ## Add aliases
    `webmaster` goes to two people, `admin` to the people listed in `/etc/mail_admin`.
    """),
    code("""
    %%host
    echo "webmaster: ihduser, kaituser" >> /etc/aliases
    echo "admin: :include:/etc/mail_admin" >> /etc/aliases
    printf "alice\\nbob\\n" > /etc/mail_admin
    tail -2 /etc/aliases
    """, "seed:F03"),
    md(ko="""
    ## newaliases 전에는?
    텍스트 파일만 고쳤습니다. sendmail은 아직 `aliases.db`를 읽으므로 `webmaster`를 모릅니다.
    """, en="""
    ## Before newaliases
    Only the text file changed. sendmail still reads `aliases.db`, so it does not know `webmaster`.
    """),
    code('smtp_send("webmaster@localhost", subject="site down?")', "seed:F03", "seed:F08"),
    code("%newaliases", "seed:F03", "seed:F08"),
    code('smtp_send(["webmaster@localhost", "admin@localhost"], subject="site down?")', "seed:F03", "seed:F08"),
    code("%grep -c 'Subject: site down' /var/spool/mail/ihduser /var/spool/mail/kaituser /var/spool/mail/alice /var/spool/mail/bob",
         "seed:F03"),
    md(ko="""
    한 통이 네 사람에게 갔습니다. `newaliases` 대신 `sendmail -bi`를 써도 결과는 같습니다.
    """, en="""
    One message reached four people. `sendmail -bi` instead of `newaliases` does the same.
    """),
    code("%sendmail -bi", "seed:F03", "seed:K01"),
    md(ko="""
    `:include:` 파일은 메일을 배달할 때마다 읽으므로, 그 파일을 고칠 때는 newaliases가 필요 없습니다.
    아래 셀은 newaliases 없이 carol을 추가합니다.
    """, en="""
    An `:include:` file is read at each delivery, so changing it needs no newaliases. The cell
    below adds carol without running newaliases.
    """),
    code("""
    %%host
    echo carol >> /etc/mail_admin
    echo "disk full" | mail -s "disk" admin
    mail -H -u carol
    """, "seed:F03"),
    md(ko="""
    ## O AliasFile: 별칭 파일의 위치
    sendmail.cf의 `O AliasFile`이 어느 파일을 별칭 파일로 쓸지 정합니다. 새 파일을 가리키게 하면
    그 파일의 별칭만 쓰입니다(.db도 그 옆에 만들어짐).
    """, en="""
    ## O AliasFile: where the aliases are
    `O AliasFile` in sendmail.cf names the alias file. Point it at another file and only that
    file's aliases count (its .db is built next to it).
    """),
    code("""
    %%host
    grep '^O AliasFile' /etc/mail/sendmail.cf
    echo "sales: carol" > /etc/mail/aliases.shop
    """, "seed:O09"),
    code("""
    edit("/etc/mail/sendmail.cf", "O AliasFile=/etc/aliases", "O AliasFile=/etc/mail/aliases.shop")
    %newaliases
    %systemctl restart sendmail
    %ls /etc/mail/aliases.shop*
    """, "seed:O09"),
    code('smtp_send(["sales@localhost", "webmaster@localhost"], subject="which aliases?")', "seed:O09"),
    md(ko="""
    `sales`는 받고 `webmaster`는 모릅니다. 이제 별칭은 `/etc/mail/aliases.shop`에서만 옵니다.
    원래대로 되돌립니다.
    """, en="""
    `sales` is known, `webmaster` is not: aliases now come only from `/etc/mail/aliases.shop`.
    Put it back.
    """),
    code("""
    edit("/etc/mail/sendmail.cf", "O AliasFile=/etc/mail/aliases.shop", "O AliasFile=/etc/aliases")
    %systemctl restart sendmail
    """, "seed:O09"),
    md(ko="""
    ## 위젯으로 별칭 고치기
    ConfigEditor의 **aliases** 탭에서 파일을 고치고 Apply를 누르면, 위젯이 문법을 검사하고
    저장한 뒤 `newaliases`를 실행합니다. 아래 셀은 `support: alice, carol` 한 줄을 더합니다.
    위젯에서 직접 한 줄을 더 넣고 Apply를 눌러 보세요.
    """, en="""
    ## Edit aliases in the widget
    In ConfigEditor's **aliases** tab, edit the file and press Apply: the widget checks the syntax,
    saves, and runs `newaliases`. The cell below adds `support: alice, carol`;
    add another line yourself in the widget and press Apply.
    """),
    code("""
    editor = ConfigEditor(lang=LANG)
    text = editor.editors["/etc/aliases"]
    text.value += "support: alice, carol\\n"          # what typing a line in the aliases tab does
    editor.apply_file("/etc/aliases")                   # what pressing Apply does
    print(editor.command_log.text)
    editor
    """, "seed:F03"),
    quiz(
        q(("/etc/aliases를 고친 뒤 실행해야 하는 명령을 모두 고르세요.", ["newaliases", "sendmail -bi", "sendmail -bp", "makemap hash /etc/aliases"],
           "newaliases와 sendmail -bi는 같은 일을 합니다: /etc/aliases.db를 다시 만듭니다."),
          ("After editing /etc/aliases, which commands apply it? Choose all.", ["newaliases", "sendmail -bi", "sendmail -bp", "makemap hash /etc/aliases"],
           "newaliases and sendmail -bi do the same: rebuild /etc/aliases.db."), [0, 1]),
        q(("webmaster로 온 메일을 ihduser와 kaituser 둘 다에게 보내는 올바른 줄은?",
           ["webmaster: ihduser, kaituser", "webmaster: ihduser. kaituser", "webmaster ihduser kaituser RELAY", "ihduser, kaituser: webmaster"],
           "이름: 받을곳, 받을곳 (쉼표로 구분)."),
          ("Which line sends webmaster's mail to both ihduser and kaituser?",
           ["webmaster: ihduser, kaituser", "webmaster: ihduser. kaituser", "webmaster ihduser kaituser RELAY", "ihduser, kaituser: webmaster"],
           "name: target, target (comma separated)."), 0),
        q(("받을 사람 목록을 다른 파일에서 읽게 하는 형식은?", [":include:/etc/mail_admin", "include:/etc/mail_admin", "<include>/etc/mail_admin", "@/etc/mail_admin"],
           "앞에 콜론까지 붙은 :include: 입니다. 예: admin: :include:/etc/mail_admin"),
          ("Which form reads the targets from another file?", [":include:/etc/mail_admin", "include:/etc/mail_admin", "<include>/etc/mail_admin", "@/etc/mail_admin"],
           ":include: with both colons, e.g. admin: :include:/etc/mail_admin"), 0),
        q(("sendmail이 메일을 배달할 때 실제로 참조하는 별칭 파일은?", ["/etc/aliases", "/etc/aliases.db", "/etc/mail/aliases", "~/.forward"],
           "텍스트가 아니라 newaliases가 만든 /etc/aliases.db를 읽습니다."),
          ("Which alias file does sendmail actually read when delivering?", ["/etc/aliases", "/etc/aliases.db", "/etc/mail/aliases", "~/.forward"],
           "The built /etc/aliases.db, not the text."), 1),
        q(("별칭 파일의 위치를 정하는 sendmail.cf 항목은?", ["O AliasFile", "O ForwardPath", "Kaccess", "Fw"], ""),
          ("Which sendmail.cf item names the alias file?", ["O AliasFile", "O ForwardPath", "Kaccess", "Fw"], ""), 0),
    ),
    end(),
]
