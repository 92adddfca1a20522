FLASK_APP=feedsvc
